from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from accounts.demo import DEMO_USERS, seed_organisations, seed_users
from accounts.models import Role
from assessments.demo import seed_assessments
from certificates.demo import seed_certificates
from cms.demo import ensure_wagtail_base_rows, seed_pages
from courses.demo import move_round_to_now, seed_programme
from line.demo import seed_line_login
from sar.demo import seed_sandbox
from sessions.models import LiveSession


class Command(BaseCommand):
    help = "Create the demo site, programme, rounds, LAOs and one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--round-now",
            type=int,
            choices=[1, 2, 3, 4],
            help="move this demo round to now and enrol the demo participant, to try Join",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_wagtail_base_rows()
        seed_organisations()
        users = seed_users()
        programme = seed_programme(trainers=[users[Role.TRAINER]], has_history=_session_held)
        seed_pages(programme)
        seed_sandbox(users[Role.PARTICIPANT])
        seed_assessments(programme)
        seed_certificates(programme)
        seed_line_login()  # development only: LINE Login on the emulator
        if options["round_now"]:
            round_ = move_round_to_now(
                programme, options["round_now"], participant=users[Role.PARTICIPANT]
            )
            console = settings.SITE_URL + reverse("training_sessions:console", args=[round_.pk])
            my_training = settings.SITE_URL + reverse("cms:my_training")
            self.stdout.write(
                f"Round {round_.number} is live now: as the trainer open {console} and press "
                f"Start; as the participant press Join on {my_training}"
            )

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo-only logins:"))
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec['role']:<24} {spec['email']:<28} {spec['password']}")


def _session_held(round_) -> bool:
    return LiveSession.objects.filter(round=round_, started_at__isnull=False).exists()
