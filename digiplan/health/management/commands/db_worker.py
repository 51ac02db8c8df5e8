"""django-tasks-db's `db_worker`, with a heartbeat (digiplan/health/heartbeat.py).

Same name, options and behaviour as the package's command, which this one replaces because
digiplan.health is installed before django_tasks_db: every way the worker is started
(make serve, systemd, compose) gets the heartbeat that /healthz reads."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as TasksDbWorkerCommand

from digiplan.health.heartbeat import Heartbeat


class Command(TasksDbWorkerCommand):
    help = "Run the task worker (django-tasks-db) with a heartbeat for /healthz"

    def handle(self, *args, **options) -> None:
        # With --reload the parent process only restarts its child; the child does the work.
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
