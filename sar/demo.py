"""Demo data for `manage.py seed_demo`: a sample-city workspace for the demo participant."""

from core.thai import current_year_be

from .models import Workspace
from .services import create_workspace


def seed_sandbox(participant) -> Workspace | None:
    """A workspace filled from the fictitious sample city, for last year (idempotent).

    Last year, so that this year stays free for the participant's own figures, which
    are the ones the round exercises count.
    """
    if participant is None or participant.organisation_id is None:
        return None
    year_be = current_year_be() - 1
    existing = Workspace.objects.filter(
        owner=participant, organisation_id=participant.organisation_id, year_be=year_be
    ).first()
    return existing or create_workspace(owner=participant, year_be=year_be, start_from="sample")
