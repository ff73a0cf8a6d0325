"""Who is who: role predicates used by every app's access checks."""

from .models import Role


def is_dla_admin(user) -> bool:
    """DLA/DCCE administrators see the whole country."""
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.DLA_ADMIN))


def is_trainer(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.TRAINER)


def coordinated_province_code(user) -> str | None:
    """The province a provincial coordinator follows, else None."""
    if user.is_authenticated and user.role == Role.PROVINCIAL_COORDINATOR:
        return user.coordinated_province_code or None
    return None
