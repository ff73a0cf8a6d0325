from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import (
    AgencyBlock,
    AgendaItemBlock,
    BodyBlock,
    ContactBlock,
    MaterialBlock,
    SpeakerBlock,
)
from .forms import RoundPageForm


class HomePage(Page):
    """The site's front page: presents the programme and its rounds."""

    intro = RichTextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ProgrammePage", "cms.StandardPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        programme_page = (
            ProgrammePage.objects.live().child_of(self).select_related("programme").first()
        )
        context["programme_page"] = programme_page
        context["round_pages"] = programme_page.round_pages() if programme_page else []
        return context


class ProgrammePage(Page):
    """The programme announced by DLA's circular, parent of the round pages."""

    programme = models.ForeignKey(
        "courses.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="pages",
    )
    summary = RichTextField(_("summary"), blank=True)
    issuing_agencies = StreamField(
        [("agency", AgencyBlock())], verbose_name=_("issuing agencies"), blank=True
    )
    objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("Objective")))],
        verbose_name=_("objectives"),
        blank=True,
    )
    target_groups = StreamField(
        [("group", blocks.CharBlock(label=_("Target group")))],
        verbose_name=_("target groups"),
        blank=True,
    )
    circular_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("circular (document)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contacts = StreamField([("contact", ContactBlock())], verbose_name=_("contacts"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("programme"),
        FieldPanel("summary"),
        FieldPanel("issuing_agencies"),
        MultiFieldPanel([FieldPanel("objectives"), FieldPanel("target_groups")], heading=_("Aims")),
        FieldPanel("circular_document"),
        FieldPanel("contacts"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RoundPage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("programme page")

    def round_pages(self):
        return (
            RoundPage.objects.live()
            .child_of(self)
            .select_related("round")
            .order_by("round__number")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["round_pages"] = self.round_pages()
        return context


class RoundPage(Page):
    """One round of the programme; its schedule comes from ``courses.Round``."""

    round = models.ForeignKey(
        "courses.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="pages"
    )
    summary = RichTextField(_("summary"), blank=True)
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name=_("agenda"), blank=True)
    speakers = StreamField([("speaker", SpeakerBlock())], verbose_name=_("speakers"), blank=True)
    materials = StreamField(
        [("material", MaterialBlock())], verbose_name=_("materials"), blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel(
            "round",
            help_text=_(
                "The dates, seats and trainers are the round's: edit them with "
                "“Round dates, seats and trainers” in this page's actions menu."
            ),
        ),
        FieldPanel("summary"),
        FieldPanel("agenda"),
        FieldPanel("speakers"),
        FieldPanel("materials"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    parent_page_types = ["cms.ProgrammePage"]
    subpage_types: list[str] = []
    base_form_class = RoundPageForm

    class Meta:
        verbose_name = _("round page")


class StandardPage(Page):
    """A plain content page: privacy notice, FAQ, contact."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.ProgrammePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact details shown in the footer of every page."""

    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=100, blank=True)
    footer_note = models.CharField(_("footer note"), max_length=255, blank=True)

    panels = [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("footer_note")]

    class Meta:
        verbose_name = _("site settings")
