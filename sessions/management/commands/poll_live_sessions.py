import datetime

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from sessions.models import LiveSession, LiveSessionStatus
from sessions.services import poll_live_session
from sessions.tasks import follow_up_live_session_task

# A follow-up this late is not merely queued behind others: its chain has stopped.
FOLLOW_UP_GRACE = datetime.timedelta(minutes=15)


class Command(BaseCommand):
    help = (
        "Poll getMeetingInfo once for every live session BBB may be holding now, and follow "
        "up ended sessions whose follow-up is overdue (cron fallback for the self-scheduling "
        "tasks)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        sessions = LiveSession.objects.select_related("round").filter(
            Q(status__in=[LiveSessionStatus.CREATED, LiveSessionStatus.RUNNING])
        )
        polled = failed = 0
        for session in sessions:
            if poll_live_session(session=session, now=now):
                polled += 1
            else:
                failed += 1
        self.stdout.write(f"Polled {polled} session(s); {failed} failed.")
        overdue = list(
            LiveSession.objects.filter(
                status=LiveSessionStatus.ENDED, next_follow_up_at__lt=now - FOLLOW_UP_GRACE
            ).values_list("pk", flat=True)
        )
        for session_id in overdue:
            # The chain died with its worker: start it again (it reschedules itself).
            LiveSession.objects.filter(pk=session_id).update(next_follow_up_at=None)
            follow_up_live_session_task.enqueue(session_id=session_id)
        self.stdout.write(f"Restarted the follow-up of {len(overdue)} ended session(s).")
