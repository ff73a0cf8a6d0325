"""The Wagtail admin's read-only list of BigBlueButton's callbacks, for DLA.

BigBlueButton sends its end, analytics and recording-ready callbacks once and never again:
one refused for a wrong secret (BBB#21453) or set partly aside is otherwise lost without
anyone noticing. DLA administrators read them here, with what to do, in Thai."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from accounts.access import is_dla_admin

from .models import CallbackDelivery, CallbackKind, CallbackOutcome

# What a DLA administrator should make of a delivery, by outcome (and kind).
ADVICE = {
    (CallbackOutcome.REJECTED, CallbackKind.ANALYTICS): _(
        "The attendance report's token did not verify with BBB_SECRET. BigBlueButton will not "
        "send it again. If it came from your server, it signs with another secret (BBB#21453): "
        "set the same secret in bbb-web and for the analytics callback, and import the "
        "Learning Dashboard file for this session in the trainer console."
    ),
    (CallbackOutcome.REJECTED, CallbackKind.RECORDING_READY): _(
        "The recording-ready token did not verify with BBB_SECRET (HS256 or HS512 are "
        "accepted). The recordings are still fetched by the periodic check; fix the secret "
        "on the server or Scalelite."
    ),
    (CallbackOutcome.REJECTED, CallbackKind.WEBHOOK): _(
        "The webhook's checksum or Bearer token did not verify with BBB_SECRET: check "
        "bbb-webhooks' shared secret."
    ),
    (CallbackOutcome.MALFORMED, ""): _(
        "Signed correctly but unreadable: the body is kept as it came. Report it to the developers."
    ),
    (CallbackOutcome.UNKNOWN_MEETING, ""): _(
        "For a meeting or meeting instance this platform did not create: kept, changes nothing."
    ),
    (CallbackOutcome.PROCESSED, ""): _("Used."),
    (CallbackOutcome.DUPLICATE, ""): _("Already used once; changes nothing."),
}


def advice_for(delivery: CallbackDelivery) -> str:
    text = ADVICE.get((delivery.outcome, delivery.kind)) or ADVICE.get((delivery.outcome, ""))
    if delivery.outcome == CallbackOutcome.REJECTED and text is None:
        text = _("The signature did not verify with BBB_SECRET.")
    if delivery.outcome == CallbackOutcome.PROCESSED and "set aside" in delivery.detail:
        text = _(
            "Used, but some attendees could not be read and were set aside (see the detail): "
            "check their attendance in the trainer console."
        )
    return str(text or "")


class DLAViewOnlyPolicy(ModelPermissionPolicy):
    """DLA administrators may list and inspect; nobody adds, edits or deletes."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and user.is_active and is_dla_admin(user)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


class CallbackDeliveryInspectView(InspectView):
    """The delivery with what to do about it first."""

    def get_field_label(self, field_name, field):
        if field_name == "advice":
            return str(_("What to do"))
        return super().get_field_label(field_name, field)

    def get_advice_display_value(self):
        return advice_for(self.object)


class CallbackDeliveryViewSet(ModelViewSet):
    model = CallbackDelivery
    icon = "warning"
    menu_label = _("BBB callbacks")
    menu_order = 211
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_filter = ["outcome", "kind"]
    ordering = ["-received_at"]
    inspect_view_class = CallbackDeliveryInspectView
    inspect_view_fields = ["advice", "received_at", "kind", "outcome", "session", "detail", "body"]
    # Nobody may add or edit (DLAViewOnlyPolicy); Wagtail still wants the form's fields.
    form_fields = ["detail"]

    @property
    def list_display(self):
        return [
            "received_at",
            "kind",
            "outcome",
            "session",
            Column("advice", label=_("What to do"), accessor=advice_for),
        ]
