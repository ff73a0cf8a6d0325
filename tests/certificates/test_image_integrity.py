"""The signatures and logos printed on certificates (issue 13, finding 2): only DLA
administrators change them, and an issued certificate keeps printing the image it was
issued with, whatever happens to the image later."""

import hashlib
import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from pypdf import PdfReader
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.permissions import policy_registry

from accounts.models import Role
from accounts.services import change_role
from certificates.models import Certificate, IssuanceJob, IssuanceJobItem
from certificates.pinning import certificate_images_collection
from certificates.rendering import render_sample_pdf
from certificates.services import (
    certificate_pdf_bytes,
    issue_certificate,
    reissue_certificate,
    run_issuance_job,
    store_certificate_pdf,
)
from tests.factories import RoundFactory, UserFactory

from .conftest import enrol
from .factories import CompletionPolicyFactory, PolicyConditionFactory

pytestmark = pytest.mark.django_db

Image = get_image_model()
RED, BLUE = (200, 0, 0), (0, 0, 200)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(color) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 100), color).save(buffer, format="PNG")
    return buffer.getvalue()


def make_image(title, color, collection):
    return Image.objects.create(
        title=title,
        file=ImageFile(io.BytesIO(png(color)), name=f"{title}.png"),
        collection=collection,
    )


def replace_file(image, color):
    """What an edit in the admin does: a new file under the same image id."""
    image.file = ImageFile(io.BytesIO(png(color)), name=f"{image.title}-new.png")
    image.width, image.height = 300, 100
    image.save()
    image.renditions.all().delete()


def file_hash(image) -> str:
    image.refresh_from_db()
    with image.file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def printed_colours(pdf: bytes) -> set:
    """The colour at the centre of every picture on the first page."""
    colours = set()
    for picture in PdfReader(io.BytesIO(pdf)).pages[0].images:
        image = picture.image.convert("RGB")
        colours.add(image.getpixel((image.width // 2, image.height // 2)))
    return colours


def trainer():
    user = UserFactory(role=Role.TRAINER, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def shared_collection():
    return Collection.objects.get(name="ภาพและเอกสารทั่วไป")


def test_the_migration_made_a_certificate_collection_trainers_cannot_change():
    collection = certificate_images_collection()
    assert collection is not None
    signature = make_image("ลายมือชื่อ", RED, collection)
    own = make_image("ภาพของวิทยากร", RED, shared_collection())
    policy = policy_registry.get_by_type(Image)
    user = trainer()
    for action in ("change", "delete"):
        assert not policy.user_has_permission_for_instance(user, action, signature)
        assert policy.user_has_permission_for_instance(user, action, own)
    assert policy.user_has_permission_for_instance(user, "choose", signature)
    # A DLA administrator who is not a superuser gets the group with the role.
    dla = UserFactory(is_staff=True)
    change_role(user=dla, role=Role.DLA_ADMIN, changed_by=None)
    assert policy.user_has_permission_for_instance(dla, "change", signature)
    change_role(user=dla, role=Role.TRAINER, changed_by=None)
    dla = type(dla).objects.get(pk=dla.pk)
    assert not policy.user_has_permission_for_instance(dla, "change", signature)


def test_a_trainer_can_neither_replace_nor_delete_a_certificate_image(client):
    signature = make_image("ลายมือชื่ออธิบดี", RED, certificate_images_collection())
    before = file_hash(signature)
    client.force_login(trainer())
    upload = SimpleUploadedFile("evil.png", png(BLUE), content_type="image/png")
    pk = signature.pk
    attempts = [
        (f"/admin/images/{pk}/", {"title": "ถูกแก้", "file": upload}),
        (f"/admin/images/{pk}/delete/", {}),
        (f"/admin/images/multiple/{pk}/", {f"image-{pk}-title": "ถูกแก้"}),
        (f"/admin/images/multiple/{pk}/delete/", {}),
        (f"/admin/bulk/wagtailimages/image/delete/?id={pk}", {}),
        (
            f"/admin/bulk/wagtailimages/image/add_to_collection/?id={pk}",
            {"collection": shared_collection().pk},
        ),
        (f"/django-admin/wagtailimages/image/{pk}/change/", {"title": "ถูกแก้", "file": upload}),
        (f"/django-admin/wagtailimages/image/{pk}/delete/", {"post": "yes"}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code != 200 or "ถูกแก้" not in response.content.decode(), url
        signature.refresh_from_db()
        assert signature.title == "ลายมือชื่ออธิบดี", url
        assert signature.collection == certificate_images_collection(), url
        assert file_hash(signature) == before, url
    assert client.get(f"/admin/images/{pk}/").status_code != 200


def test_a_template_prints_only_images_from_the_certificate_collection(evidence):
    policy = CompletionPolicyFactory()
    template = policy.template
    stray = make_image("ภาพจากที่อื่น", RED, shared_collection())
    template.signatories = [
        ("signatory", {"name": "นายทดสอบ", "position": "อธิบดี", "signature": stray})
    ]
    with pytest.raises(ValidationError) as raised:
        template.full_clean()
    assert "ภาพบนเกียรติบัตร" in str(raised.value)
    assert "ภาพจากที่อื่น" in str(raised.value)
    stray.collection = certificate_images_collection()
    stray.save()
    template.full_clean()


@pytest.fixture
def signed_policy(evidence):
    signature = make_image("ลายมือชื่อ", RED, certificate_images_collection())
    round_ = RoundFactory(number=1)
    policy = CompletionPolicyFactory(programme=round_.programme, round=round_)
    PolicyConditionFactory(policy=policy, kind="attendance", min_percent=80)
    template = policy.template
    template.signatories = [
        ("signatory", {"name": "นายทดสอบ", "position": "อธิบดี", "signature": signature})
    ]
    template.save()
    template.save_revision(log_action=False)
    return policy, signature


def eligible(evidence, policy):
    user = UserFactory()
    enrol(user, policy.round)
    evidence.attend(user, policy.round)
    return user


def test_an_issued_certificate_keeps_printing_the_image_it_was_issued_with(evidence, signed_policy):
    policy, signature = signed_policy
    certificate = issue_certificate(policy=policy, user=eligible(evidence, policy)).certificate
    issued = certificate_pdf_bytes(certificate=certificate)
    assert RED in printed_colours(issued)

    replace_file(signature, BLUE)  # later, by whoever could

    # Rendered again (a lost file, a download) …
    store_certificate_pdf(certificate=certificate)
    certificate.refresh_from_db()
    assert printed_colours(certificate_pdf_bytes(certificate=certificate)) == printed_colours(
        issued
    )
    # … re-issued under the same template revision …
    replacement = reissue_certificate(certificate=certificate, reason="ชื่อผิด", issued_by=None)
    assert printed_colours(certificate_pdf_bytes(certificate=replacement)) == printed_colours(
        issued
    )
    # … or by a bulk issuance that finds it already issued, its PDF to render.
    Certificate.objects.filter(pk=replacement.pk).update(pdf="")
    job = IssuanceJob.objects.create(policy=policy, total=1)
    IssuanceJobItem.objects.create(job=job, user=replacement.user)
    run_issuance_job(job.pk)
    replacement.refresh_from_db()
    assert replacement.pdf.name
    assert printed_colours(certificate_pdf_bytes(certificate=replacement)) == printed_colours(
        issued
    )
    # A participant issued later under the same revision gets the same picture too.
    later = issue_certificate(policy=policy, user=eligible(evidence, policy)).certificate
    assert printed_colours(certificate_pdf_bytes(certificate=later)) == printed_colours(issued)


def test_a_new_template_revision_prints_the_new_image(evidence, signed_policy):
    policy, signature = signed_policy
    first = issue_certificate(policy=policy, user=eligible(evidence, policy)).certificate
    replace_file(signature, BLUE)
    template = policy.template
    assert BLUE in printed_colours(render_sample_pdf(template))  # the editor's preview
    template.save_revision(log_action=False)  # the administrator saves the template again
    second = issue_certificate(policy=policy, user=eligible(evidence, policy)).certificate
    assert BLUE in printed_colours(certificate_pdf_bytes(certificate=second))
    assert RED in printed_colours(certificate_pdf_bytes(certificate=first))


def test_deleting_the_image_changes_nothing_already_issued(evidence, signed_policy):
    policy, signature = signed_policy
    certificate = issue_certificate(policy=policy, user=eligible(evidence, policy)).certificate
    issued = printed_colours(certificate_pdf_bytes(certificate=certificate))
    signature.delete()
    store_certificate_pdf(certificate=certificate)
    certificate.refresh_from_db()
    assert printed_colours(certificate_pdf_bytes(certificate=certificate)) == issued
