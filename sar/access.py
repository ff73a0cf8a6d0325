"""Who may see a workspace: the owner edits; trainers of the owner's rounds and DLA
administrators read; anyone else gets 404 (a workspace's existence is not revealed)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import is_dla_admin
from courses.access import rounds_managed_by
from courses.models import Enrolment

from .models import Workspace


def can_read_workspace(user, workspace: Workspace) -> bool:
    if not user.is_authenticated:
        return False
    if workspace.owner_id == user.pk or is_dla_admin(user):
        return True
    return (
        Enrolment.objects.for_user(workspace.owner_id)
        .active()
        .filter(round__in=rounds_managed_by(user))
        .exists()
    )


def get_workspace_for_user(user, pk) -> tuple[Workspace, bool]:
    """(workspace, whether the user may edit it), or 404."""
    workspace = get_object_or_404(Workspace.objects.select_related("organisation", "owner"), pk=pk)
    if workspace.owner_id == user.pk:
        return workspace, True
    if can_read_workspace(user, workspace):
        return workspace, False
    raise Http404
