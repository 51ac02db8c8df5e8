"""What the limit on guessing pupil codes and staff links keeps (accounts.throttle), in the
database so that every app server sees the same counts. A client address is kept only as a keyed
hash (HMAC with SECRET_KEY): a reader of the database cannot tell which address it was, nor which
code. Rows are purged once their window is over (manage.py purge_guess_limits)."""

from django.db import models


class GuessWindow(models.Model):
    """Codes or links that do not exist, tried from one client address since started_at."""

    key = models.CharField(max_length=64, primary_key=True)  # HMAC of scope and address
    started_at = models.DateTimeField(db_index=True)
    failures = models.PositiveIntegerField(default=0)


class KnownCode(models.Model):
    """A code or link that worked from a client address: it raises the address's limit, and
    goes on working there while the address waits."""

    key = models.CharField(max_length=64, primary_key=True)  # HMAC of scope, address and code
    window_key = models.CharField(max_length=64, db_index=True)  # GuessWindow.key of the address
    seen_at = models.DateTimeField(db_index=True)
