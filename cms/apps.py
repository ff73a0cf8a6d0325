from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Web pages")

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from .views import bump_page_cache_generation

        page_published.connect(bump_page_cache_generation, dispatch_uid="cms-page-published")
        page_unpublished.connect(bump_page_cache_generation, dispatch_uid="cms-page-unpublished")
