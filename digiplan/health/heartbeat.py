"""The worker's heartbeat: a thread that renews the worker's row while the process lives.

It says that the worker process is running and reaches the database. A task that runs for
minutes (a report archive) does not stop it: the worker is alive, and busy."""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.utils import timezone

from digiplan.health.models import WorkerHeartbeat

logger = logging.getLogger("digiplan.health")

# A row no worker has renewed for a day belongs to a process that was killed: it is removed.
FORGOTTEN_AFTER = timedelta(days=1)


def beat(worker_id: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"started_at": started_at, "beat_at": timezone.now()}
    )


class Heartbeat:
    def __init__(self, worker_id: str, interval: float | None = None) -> None:
        self.worker_id = worker_id
        self.interval = interval if interval is not None else settings.WORKER_HEARTBEAT_SECONDS
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def start(self) -> None:
        WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - FORGOTTEN_AFTER).delete()
        beat(self.worker_id, self.started_at)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:  # the database may be the reason the worker stops
            logger.warning("Could not remove the heartbeat of worker %s", self.worker_id, exc_info=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                beat(self.worker_id, self.started_at)
            except Exception:
                # The database is away: /healthz shows the beat growing old; try again next time.
                logger.warning("Worker heartbeat failed", exc_info=True)
            finally:
                # This thread's own connection: a restarted database gets a fresh one next beat.
                connections.close_all()
