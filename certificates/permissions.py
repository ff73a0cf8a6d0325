"""Who may do what with certificates in the Wagtail admin: DLA/DCCE administrators only."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts.access import is_dla_admin
from accounts.models import Role


class DlaAdministratorPolicy(BasePermissionPolicy):
    """DLA/DCCE administrators may do ``actions`` on the model; nobody else may do anything.

    Issued certificates and bulk issuances get only "view": they change through the
    services (issue, revoke, re-issue), never through a generic edit form.
    """

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and is_dla_admin(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not self.actions.intersection(actions):
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(role=Role.DLA_ADMIN))

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])
