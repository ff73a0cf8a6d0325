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


# The name prefixes (คำนำหน้า) offered in the forms; anything else is typed as free text.
STANDARD_PREFIXES = (
    "นาย",
    "นาง",
    "นางสาว",
    "ว่าที่ร้อยตรี",
    "ว่าที่ร้อยตรีหญิง",
    "ดร.",
    "ผศ.",
    "รศ.",
    "ศ.",
)


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    TRAINER = "trainer", _("Trainer")
    PROVINCIAL_COORDINATOR = "provincial_coordinator", _("Provincial coordinator")
    DLA_ADMIN = "dla_admin", _("DLA/DCCE administrator")


# The Wagtail group holding what DLA administrators who are not superusers may do (made by
# accounts/migrations/0003; apps such as certificates grant it their collection rights).
# ``services.change_role`` keeps its members in step with the role.
DLA_ADMINISTRATORS_GROUP = "DLA administrators"


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
    line_id = models.CharField(_("LINE ID"), max_length=50, blank=True)
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
    # The QR code's ?src= tag the person signed up through, for DLA's reach statistics.
    signup_src = models.CharField(_("sign-up source tag"), max_length=64, blank=True)
    # Set when the person deleted their account: personal data erased, rows kept anonymous.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

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


class ConsentPurpose(models.TextChoices):
    """What a consent is given for. Only ``TRAINING`` is needed to take part."""

    TRAINING = "training", _("Personal data for the training, attendance and certificates")
    NEWS = "news", _("News e-mails about later training and events")
    SURVEY = "survey", _("Follow-up surveys about the training")
    LINE = "line", _("Training notices via LINE")


class ConsentRecordQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def for_purpose(self, purpose: str):
        return self.filter(purpose=purpose)


class ConsentRecord(models.Model):
    """One consent as given: which notice version, when, and when it was withdrawn.

    Records are never edited except to note the withdrawal; giving consent again
    after a withdrawal makes a new record, so the history stays complete.
    """

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    notice_version = models.CharField(_("privacy notice version"), max_length=32)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["user", "purpose", "-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=ConsentPurpose.values),
                name="consentrecord_purpose_valid",
            ),
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consentrecord_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="consentrecord_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_purpose_display()} · {self.notice_version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
