"""``{% enrolment_panel programme %}``: sign up / enrol buttons on the programme and round
pages. The ``src`` tag of the QR link (?src=…) is carried into the sign-up and enrolment
links, so it survives the anonymous page cache (which keys on the full path)."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ..links import clean_src
from ..models import Enrolment, EnrolmentStatus

register = template.Library()


@register.inclusion_tag("courses/_enrolment_panel.html", takes_context=True)
def enrolment_panel(context, programme, round_=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    src = clean_src(request.GET.get("src")) if request else ""
    params = {}
    if src:
        params["src"] = src
    if round_ is not None:
        params["round"] = round_.number
    enrol_url = reverse("courses:enrol", kwargs={"code": programme.code})
    if params:
        enrol_url += "?" + urlencode(params)
    panel = {"programme": programme, "round": round_, "enrol_url": enrol_url}
    if user is None or not user.is_authenticated:
        signup_params = {"next": enrol_url, **({"src": src} if src else {})}
        panel["signup_url"] = reverse("account_signup") + "?" + urlencode(signup_params)
        panel["login_url"] = reverse("account_login") + "?" + urlencode({"next": enrol_url})
        return panel
    now = timezone.now()
    rounds = list(programme.rounds.order_by("number"))
    held = dict(
        Enrolment.objects.for_user(user)
        .active()
        .filter(round__programme=programme)
        .values_list("round_id", "status")
    )
    shown = [r for r in rounds if round_ is None or r.pk == round_.pk]
    panel["statuses"] = [
        {
            "round": r,
            "status": held.get(r.pk),
            "enrolled": held.get(r.pk) == EnrolmentStatus.ENROLLED,
        }
        for r in shown
        if r.pk in held
    ]
    panel["can_enrol"] = any(r.is_registration_open(now) and r.pk not in held for r in shown)
    return panel
