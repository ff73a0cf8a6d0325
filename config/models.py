from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running ``db_worker``, refreshed every few seconds (config.worker).

    ``/readyz/`` reads it to tell whether any worker is alive; workers read it to find tasks
    left running by a worker that stopped beating (killed, host lost) and queue them again.
    ``last_seen`` is the database's clock, so hosts with different clocks agree.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    queues = models.CharField(_("queues"), max_length=255)
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
