from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title")
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul", "document-link"]
    )
    image = ImageBlock(label=_("Image"))
    document = DocumentChooserBlock(label=_("Document"), template="blocks/document_block.html")

    class Meta:
        template = "blocks/body_block.html"


class AgencyBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Agency name"))
    logo = ImageChooserBlock(label=_("Logo"), required=False)

    class Meta:
        icon = "group"
        label = _("Agency")


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"))
    role = blocks.CharBlock(label=_("Role or unit"), required=False)
    phone = blocks.CharBlock(label=_("Phone"), required=False)
    email = blocks.EmailBlock(label=_("E-mail"), required=False)

    class Meta:
        icon = "user"
        label = _("Contact")


class AgendaItemBlock(blocks.StructBlock):
    starts = blocks.TimeBlock(label=_("From"))
    ends = blocks.TimeBlock(label=_("To"), required=False)
    topic = blocks.CharBlock(label=_("Topic"))
    speaker = blocks.CharBlock(label=_("Speaker"), required=False)

    class Meta:
        icon = "time"
        label = _("Agenda item")


class SpeakerBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"))
    position = blocks.CharBlock(label=_("Position"), required=False)
    organisation = blocks.CharBlock(label=_("Organisation"), required=False)
    photo = ImageChooserBlock(label=_("Photo"), required=False)

    class Meta:
        icon = "user"
        label = _("Speaker")


class MaterialBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Material")
