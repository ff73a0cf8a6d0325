"""Object-level access in the Wagtail admin, written once for every model and view.

Wagtail checks model permissions ("may this user delete questions?"); some of our models are
reachable per object ("only the questions of the rounds this trainer runs"). The rule lives in
the model's permission policy (``ScopedModelPermissionPolicy``), and three pieces apply it
everywhere the admin can name an object:

- ``ScopedViewSetMixin``: every view of a viewset whose URL carries a ``pk`` (edit, delete,
  copy, history, usage, reorder, inspect, revisions, preview and any view added later)
  answers 404 for an object the user cannot reach; listings and choosers show only reachable
  objects.
- ``bulk_action``: Wagtail's bulk actions (``/admin/bulk/<app>/<model>/<action>/?id=…``) act
  on, and name, only the objects the model's policy lets the user reach and the action
  allows, whatever the model (snippets, images, documents, users, pages); an id outside
  that set is a 404.
- ``reachable``: the one query both use.
"""

import functools

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)

# Anything a user may do with an object makes it reachable (its name may be shown).
REACH_ACTIONS = ("view", "change", "delete", "choose", "publish", "lock", "unlock")


class ScopedModelPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed per object by ``scope(user)`` (a queryset of the objects
    the user may act on at all)."""

    def __init__(self, model, *, scope):
        super().__init__(model)
        self.scope = scope

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and self.scope(user).filter(pk=instance.pk).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return (
            self.user_has_any_permission(user, actions)
            and self.scope(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scope(user)


def reachable(user, model):
    """The objects of ``model`` the user may do anything with, per its permission policy."""
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, REACH_ACTIONS)


def is_reachable(user, model, quoted_pk) -> bool:
    try:
        return reachable(user, model).filter(pk=unquote(str(quoted_pk))).exists()
    except (ValueError, TypeError, ValidationError):
        return False


class ScopedViewSetMixin:
    """For a Wagtail ``ModelViewSet``/``SnippetViewSet`` whose model has a scoped policy."""

    def construct_view(self, view_class, **kwargs):
        view = super().construct_view(view_class, **kwargs)
        model = self.model

        @functools.wraps(view)
        def scoped_view(request, *args, **view_kwargs):
            pk = view_kwargs.get("pk")
            if pk is not None and not is_reachable(request.user, model, pk):
                raise Http404
            return view(request, *args, **view_kwargs)

        return scoped_view


class ScopedListingMixin:
    """Index and chooser views: only the objects the user may reach are listed or found.

    The filter is on the primary key, so the model's ``search_fields`` need
    ``index.FilterField("id")`` for searching the listing.
    """

    def scoped_queryset(self, queryset):
        reach = reachable(self.request.user, queryset.model)
        if reach.query.is_empty():
            return queryset.none()
        if not reach.query.where:  # everything (DLA administrators): no filter to search on
            return queryset
        return queryset.filter(pk__in=reach.values("pk"))

    def get_base_queryset(self):
        return self.scoped_queryset(super().get_base_queryset())


class ScopedChooserMixin(ScopedListingMixin):
    def get_object_list(self):
        return self.scoped_queryset(super().get_object_list())

    def get_object(self, pk):
        model = self.model_class
        if not is_reachable(self.request.user, model, pk):
            raise model.DoesNotExist
        return super().get_object(pk)

    def get_objects(self, pks):
        return self.scoped_queryset(super().get_objects(pks))


class ScopedSnippetChooserViewSet(ScopedViewSetMixin, SnippetChooserViewSet):
    """A snippet chooser that lists and returns only what the model's policy lets the user
    reach (Wagtail's own lists every object to anyone in the admin)."""

    choose_view_class = type("ScopedChooseView", (ScopedChooserMixin, ChooseView), {})
    choose_results_view_class = type(
        "ScopedChooseResultsView", (ScopedChooserMixin, ChooseResultsView), {}
    )
    chosen_view_class = type("ScopedChosenView", (ScopedChooserMixin, SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "ScopedChosenMultipleView", (ScopedChooserMixin, SnippetChosenMultipleView), {}
    )


@never_cache
@require_admin_access
def bulk_action(request, app_label, model_name, action):
    """Wagtail's bulk-action dispatcher, limited to the objects the user may reach.

    Wagtail's own lists every requested object, the ones the user may not act on as "no
    permission" with their titles, and acts on those its ``check_perm`` allows, which for
    snippets is the model permission alone.
    """
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    bulk = action_class(request, model)
    unscoped = bulk.get_queryset

    def get_queryset(model, object_ids):
        objects = list(unscoped(model, object_ids))
        allowed = set(
            reachable(request.user, model)
            .filter(pk__in=[obj.pk for obj in objects])
            .values_list("pk", flat=True)
        )
        # Only what the user may do this action on: nothing is listed "without permission".
        objects = [obj for obj in objects if obj.pk in allowed and bulk.check_perm(obj)]
        if not objects:
            raise Http404
        return objects

    bulk.get_queryset = get_queryset
    return bulk.dispatch(request)
