"""Wagtail's users app with our user screens (role and coordinated province).

Listed in INSTALLED_APPS instead of ``wagtail.users``; this module imports no model, so it
can be loaded while Django sets the apps up.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "accounts.wagtail_users.UserViewSet"
