from wagtail import hooks

from courses.links import ROUND_ADMIN_BUTTONS_HOOK

from .admin_links import round_page_buttons, round_settings_button

hooks.register(ROUND_ADMIN_BUTTONS_HOOK, round_page_buttons)
hooks.register("register_page_header_buttons", round_settings_button)
