"""The images a certificate prints, fixed with the template revision as its text is.

A template revision names its images by id; the files behind an id can be replaced later
(``/admin/images/<id>/``). So the first time a revision is saved or printed, the exact
renditions it prints (logos, signatures, background) are copied, named by their SHA-256,
into the private certificate folder; every later rendering of that revision (a download,
a re-issue, a bulk issuance, a PDF rendered again) prints those copies. Replacing or
deleting an image then changes nothing already issued; to print a new signature, replace
the image and save the template again (a new revision).

The images themselves live in the "certificate images" collection, which only DLA
administrators may change (certificates/migrations/0002).
"""

import hashlib
import logging
import posixpath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from wagtail.images import get_image_model
from wagtail.models import Collection

from .models import CertificateTemplate, PinnedImage, PinnedTemplateRevision
from .storage import certificate_storage

logger = logging.getLogger(__name__)

# The collection that holds every image printed on certificates (made by migration 0002).
CERTIFICATE_IMAGES_COLLECTION = "ภาพบนเกียรติบัตร"

LOGO_SPEC = "max-320x320"
SIGNATURE_SPEC = "max-480x160"
BACKGROUND_SPEC = "max-3508x2480"
PINNED_FOLDER = "pinned-images"


def certificate_images_collection() -> Collection | None:
    return Collection.objects.filter(name=CERTIFICATE_IMAGES_COLLECTION, depth=2).first()


def _raw_blocks(stream) -> list[dict]:
    raw = getattr(stream, "raw_data", None)
    return [item.get("value") or {} for item in raw or []]


def template_image_ids(template: CertificateTemplate) -> list[tuple[int | None, str]]:
    """``(image id, rendition spec)`` of every image place, in printing order: the
    background, then each agency's logo, then each signatory's signature. Ids come from the
    stored data, so an image deleted since still has its place (and its pinned copy)."""
    places = [(template.background_id, BACKGROUND_SPEC)]
    places += [(_image_id(v.get("logo")), LOGO_SPEC) for v in _raw_blocks(template.agencies)]
    places += [
        (_image_id(v.get("signature")), SIGNATURE_SPEC) for v in _raw_blocks(template.signatories)
    ]
    return places


def _image_id(value) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _copy_rendition(image_id: int, spec: str) -> tuple[str, str] | None:
    """Store the rendition's bytes under their hash; ``(sha256, file name)`` or None when
    the image or its file is gone (the place is then printed empty, as before)."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return None
    try:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        logger.warning("Certificate image %s (%s) could not be read for pinning", image_id, spec)
        return None
    digest = hashlib.sha256(data).hexdigest()
    extension = posixpath.splitext(rendition.file.name)[1].lower() or ".png"
    name = f"{PINNED_FOLDER}/{digest[:2]}/{digest}{extension}"
    if not certificate_storage.exists(name):
        saved = certificate_storage.save(name, ContentFile(data))
        if saved != name:  # another process stored the same bytes meanwhile
            certificate_storage.delete(saved)
    return digest, name


def pin_revision_images(revision) -> PinnedTemplateRevision:
    """Copy the images ``revision`` prints, once; later calls return the same pins."""
    existing = PinnedTemplateRevision.objects.filter(revision=revision).first()
    if existing is not None:
        return existing
    template = revision.as_object()
    copies = {}
    for image_id, spec in template_image_ids(template):
        if image_id is not None and (image_id, spec) not in copies:
            copies[(image_id, spec)] = _copy_rendition(image_id, spec)
    try:
        with transaction.atomic():
            pinned = PinnedTemplateRevision.objects.create(revision=revision)
            PinnedImage.objects.bulk_create(
                [
                    PinnedImage(
                        pinned_revision=pinned,
                        image_id=image_id,
                        spec=spec,
                        sha256=copy[0],
                        file=copy[1],
                    )
                    for (image_id, spec), copy in copies.items()
                    if copy is not None
                ]
            )
    except IntegrityError:  # pinned at the same moment by another issuer
        pinned = PinnedTemplateRevision.objects.get(revision=revision)
    return pinned


def pinned_image_files(revision) -> dict[tuple[int, str], str]:
    """``(image id, spec) -> file name`` in the certificate storage, pinning first if this
    revision was issued before pinning existed."""
    pinned = pin_revision_images(revision)
    return {(p.image_id, p.spec): p.file.name for p in pinned.images.all()}
