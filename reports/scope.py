"""Who sees which rows of the dashboards: one helper applies the scope to any queryset.

- DLA/DCCE administrators: the whole country.
- Provincial coordinators: the LAOs of their province (and the people registered with them).
- Trainers: the rounds they run.
- Everybody else: nothing.
"""

from dataclasses import dataclass

from accounts.access import coordinated_province_code, is_dla_admin, is_trainer
from courses.selectors import rounds_trained_by

COUNTRY = "country"
PROVINCE = "province"
ROUNDS = "rounds"
NOTHING = "nothing"


@dataclass(frozen=True)
class Scope:
    kind: str
    province_code: str | None = None
    user_id: int | None = None

    @property
    def sees_anything(self) -> bool:
        return self.kind != NOTHING

    @property
    def sees_coverage(self) -> bool:
        """Coverage is about LAOs: for DLA (country) and coordinators (their province)."""
        return self.kind in (COUNTRY, PROVINCE)


def report_scope(user) -> Scope:
    if not user.is_authenticated:
        return Scope(NOTHING)
    if is_dla_admin(user):
        return Scope(COUNTRY)
    province = coordinated_province_code(user)
    if province:
        return Scope(PROVINCE, province_code=province)
    if is_trainer(user):
        return Scope(ROUNDS, user_id=user.pk)
    return Scope(NOTHING)


def scope_queryset(queryset, scope: Scope, *, lao: str | None, round: str | None):
    """``queryset`` limited to what ``scope`` may see.

    ``lao`` is the lookup path from the queryset's model to the LAO (``""`` when the model is
    the LAO itself, ``None`` when rows belong to no LAO, such as rounds); ``round`` the path
    to the round (``""`` for rounds themselves, ``None`` when rows belong to no round).
    """
    if scope.kind == COUNTRY:
        return queryset
    if scope.kind == PROVINCE:
        if lao is None:
            return queryset  # country-wide objects (rounds): the counts carry the scope
        field = f"{lao}__province_code" if lao else "province_code"
        return queryset.filter(**{field: scope.province_code})
    if scope.kind == ROUNDS and round is not None:
        rounds = rounds_trained_by(scope.user_id)
        field = f"{round}__in" if round else "pk__in"
        return queryset.filter(**{field: rounds})
    return queryset.none()
