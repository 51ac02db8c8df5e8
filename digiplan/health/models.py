"""The task worker's heartbeat: one row per running worker process, renewed every few seconds
by a thread of `manage.py db_worker` (health/management/commands/db_worker.py). /healthz reads
the newest. No person, no task: only the worker's id and times."""

from django.db import models


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} {self.beat_at:%Y-%m-%d %H:%M:%S}"
