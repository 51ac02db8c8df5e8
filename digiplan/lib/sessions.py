"""The session store: Django's database sessions, whose cookie always ends with the browser.

A huvudman's own idle time is applied with set_expiry(seconds), which in Django also turns the
cookie into one that outlives the browser. On a computer a class shares, the next pupil or
colleague who opens the browser would then be signed in as the last person. Here the cookie
stays a browser-session cookie while the server still ends the session after the idle time."""

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def get_expire_at_browser_close(self) -> bool:
        return settings.SESSION_EXPIRE_AT_BROWSER_CLOSE or super().get_expire_at_browser_close()
