from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class CertificateAgencyBlock(blocks.StructBlock):
    """An issuing agency printed at the top of the certificate, with its logo."""

    name = blocks.CharBlock(label=_("Agency name"))
    logo = ImageChooserBlock(label=_("Logo"), required=False)

    class Meta:
        icon = "group"
        label = _("Issuing agency")


class SignatoryBlock(blocks.StructBlock):
    """Who signs: the name in brackets under the signature, then the position."""

    name = blocks.CharBlock(label=_("Name"), help_text=_("e.g. นายสมชาย ใจดี"))
    position = blocks.TextBlock(
        label=_("Position"),
        rows=2,
        help_text=_("One or two lines, e.g. อธิบดีกรมส่งเสริมการปกครองท้องถิ่น"),
    )
    signature = ImageChooserBlock(
        label=_("Signature image"),
        required=False,
        help_text=_("A PNG with a transparent background looks best."),
    )

    class Meta:
        icon = "edit"
        label = _("Signatory")
