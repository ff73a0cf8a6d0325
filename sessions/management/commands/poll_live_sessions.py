from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from sessions.models import LiveSession, LiveSessionStatus
from sessions.services import poll_live_session


class Command(BaseCommand):
    help = (
        "Poll getMeetingInfo once for every live session BBB may be holding now (cron "
        "fallback for the self-scheduling poll task)."
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
