from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Web pages")

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from courses.signals import programme_changed, round_changed

        from .views import bump_page_cache_generation

        page_published.connect(bump_page_cache_generation, dispatch_uid="cms-page-published")
        page_unpublished.connect(bump_page_cache_generation, dispatch_uid="cms-page-unpublished")
        # A round page shows the round's dates: a saved round refreshes the cached pages.
        round_changed.connect(bump_page_cache_generation, dispatch_uid="cms-round-changed")
        # The programme page shows the programme's circular number and title.
        programme_changed.connect(bump_page_cache_generation, dispatch_uid="cms-programme-changed")
