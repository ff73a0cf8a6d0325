import geothai
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class LaoType(models.TextChoices):
    """The kinds of local administrative organisation (อปท.)."""

    PAO = "pao", _("Provincial Administrative Organisation")
    CITY_MUNICIPALITY = "city_municipality", _("City Municipality")
    TOWN_MUNICIPALITY = "town_municipality", _("Town Municipality")
    SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", _("Subdistrict Municipality")
    SAO = "sao", _("Subdistrict Administrative Organisation")
    SPECIAL = "special", _("Special LAO")


class OrganisationQuerySet(models.QuerySet):
    def in_province(self, province_code: str):
        return self.filter(province_code=province_code)

    def in_district(self, district_code: str):
        return self.filter(district_code=district_code)


class Organisation(models.Model):
    """A local administrative organisation (LAO) from DLA's directory."""

    dla_code = models.CharField(_("DLA code"), max_length=20, unique=True)
    lao_type = models.CharField(_("LAO type"), max_length=32, choices=LaoType.choices)
    name_th = models.CharField(_("name in Thai"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    # DOPA codes from the geothai package: 2 digits for a province, 4 for a district.
    province_code = models.CharField(_("province code"), max_length=2, db_index=True)
    district_code = models.CharField(_("district code"), max_length=4, db_index=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("local administrative organisation")
        verbose_name_plural = _("local administrative organisations")
        ordering = ["province_code", "district_code", "name_th"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lao_type__in=LaoType.values),
                name="organisation_lao_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(district_code__startswith=models.F("province_code")),
                name="organisation_district_in_province",
            ),
        ]

    def __str__(self):
        return self.name_th

    @property
    def province(self):
        return geothai.province(self.province_code)

    @property
    def district(self):
        return geothai.district(self.district_code)

    @property
    def province_name_th(self) -> str:
        province = self.province
        return province.name_th if province else ""

    @property
    def district_name_th(self) -> str:
        district = self.district
        return district.name_th if district else ""


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    TRAINER = "trainer", _("Trainer")
    PROVINCIAL_COORDINATOR = "provincial_coordinator", _("Provincial coordinator")
    DLA_ADMIN = "dla_admin", _("DLA/DCCE administrator")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.DLA_ADMIN)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person: the e-mail address is the login; names are Thai, English optional."""

    username = None
    email = models.EmailField(_("e-mail"), unique=True)
    # The Thai prefix (คำนำหน้า) is written joined to the first name on certificates.
    prefix = models.CharField(_("name prefix"), max_length=50, blank=True)
    first_name = models.CharField(_("first name (Thai)"), max_length=150, blank=True)
    last_name = models.CharField(_("last name (Thai)"), max_length=150, blank=True)
    first_name_en = models.CharField(_("first name (English)"), max_length=150, blank=True)
    last_name_en = models.CharField(_("last name (English)"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("LAO"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.PARTICIPANT
    )
    # The province a provincial coordinator follows (DOPA code).
    coordinated_province_code = models.CharField(
        _("coordinated province code"), max_length=2, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="provincial_coordinator")
                | ~models.Q(coordinated_province_code=""),
                name="user_coordinator_has_province",
            ),
        ]

    def __str__(self):
        return self.full_name_th or self.email

    @property
    def full_name_th(self) -> str:
        """The Thai name as written officially: prefix joined to the first name."""
        first = f"{self.prefix}{self.first_name}".strip()
        return f"{first} {self.last_name}".strip()

    @property
    def full_name_en(self) -> str:
        return f"{self.first_name_en} {self.last_name_en}".strip()

    def get_full_name(self):
        return self.full_name_th or self.email

    def get_short_name(self):
        return self.first_name or self.email
