from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_USERS, seed_organisations, seed_users
from accounts.models import Role
from assessments.demo import seed_assessments
from certificates.demo import seed_certificates
from cms.demo import ensure_wagtail_base_rows, seed_pages
from courses.demo import seed_programme
from sar.demo import seed_sandbox


class Command(BaseCommand):
    help = "Create the demo site, programme, rounds, LAOs and one account per role (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_wagtail_base_rows()
        seed_organisations()
        users = seed_users()
        programme = seed_programme(trainers=[users[Role.TRAINER]])
        seed_pages(programme)
        seed_sandbox(users[Role.PARTICIPANT])
        seed_assessments(programme)
        seed_certificates(programme)

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo-only logins:"))
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec['role']:<24} {spec['email']:<28} {spec['password']}")
