from django import template

from reports.scope import report_scope

register = template.Library()


@register.filter
def sees_reports(user) -> bool:
    """Whether the site menu shows the oversight dashboards to this person."""
    if not getattr(user, "is_authenticated", False):
        return False
    return report_scope(user).sees_anything
