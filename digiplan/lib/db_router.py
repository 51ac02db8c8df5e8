"""Reads of the report and result pages from a replica of the database, when there is one.

DATABASE_REPLICA_URL (settings) adds the database alias "replica": a read-only copy that
PostgreSQL streams from the primary. A router that sent every read there would break
read-after-write everywhere (a strategist saves a plan and the next page, read from a replica a
moment behind, does not show it). So reads go to the replica only inside reading_replica():
for the GET requests of the views named in settings.REPLICA_VIEWS (ReplicaReadsMiddleware), or
around a piece of code that only reads figures. Everything else, and every write, goes to the
primary ("default").

Even inside, the tables that guard a sign-in (sessions, lockouts, guess limits, second factors,
the task queue) are read from the primary: a session made a moment ago on another app server
must not look missing because the replica has not seen it yet."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
# Apps whose rows decide who is signed in and what they may try: always the primary.
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "axes",
        "accounts",
        "django_otp",
        "otp_totp",
        "otp_static",
        "django_tasks_db",
        "djangosaml2",
        "contenttypes",
    }
)

_reading = ContextVar("digiplan_reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_replica() -> Iterator[None]:
    """Reads inside go to the replica when one is configured (writes still go to the primary)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica() -> bool:
    return _reading.get() and replica_configured()


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: the replica for reads inside reading_replica(), the primary
    for a row read from the replica (Django would otherwise write it back, or follow its
    relations, to the replica), and no opinion otherwise, so that code naming another alias
    (a restore into a second database) keeps Django's own choice."""

    def db_for_read(self, model, **hints) -> str | None:
        if reads_from_replica() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return _primary_for_replica_rows(hints)

    def db_for_write(self, model, **hints) -> str | None:
        return _primary_for_replica_rows(hints)

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Both aliases are the same data: a row read from one may point to a row of the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool | None:
        # The replica copies the primary's schema; migrating it would fail (it is read-only).
        return False if db == REPLICA else None


def _primary_for_replica_rows(hints: dict) -> str | None:
    instance = hints.get("instance")
    if instance is not None and getattr(instance._state, "db", None) == REPLICA:
        return DEFAULT_DB_ALIAS
    return None


class ReplicaReadsMiddleware:
    """Runs the GET and HEAD requests of settings.REPLICA_VIEWS inside reading_replica().

    The session and the signed-in person are loaded from the primary first; the session is
    saved, and any other write made, on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reading.set(False)
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.url_name in getattr(settings, "REPLICA_VIEWS", ())
            and replica_configured()
        ):
            request.user.is_authenticated  # noqa: B018  (loads the session and person from the primary)
            _reading.set(True)
        return None
