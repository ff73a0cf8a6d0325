from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from core.mail import render_templated_mail

# Mail queued before the task moved to core names it by this path; the worker finds it here.
from core.tasks import send_templated_mail  # noqa: F401


@task(backend="db", queue_name="mail")
def send_invitation(*, user_id: int) -> None:
    """E-mail a nominated officer the link to set a password. Skips accepted invitations."""
    from .models import User
    from .services import invitation_tokens

    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or user.is_active or user.erased_at:
        return
    with translation.override("th"):
        path = reverse(
            "accounts:accept_invitation",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": invitation_tokens.make_token(user),
            },
        )
    context = {
        "name": user.full_name_th,
        "organisation": user.organisation.name_th if user.organisation else "",
        "invitation_url": settings.SITE_URL + path,
        "days_valid": invitation_tokens.timeout_seconds // 86400,
    }
    render_templated_mail(
        template="accounts/email/invitation", context=context, to=[user.email]
    ).send()
