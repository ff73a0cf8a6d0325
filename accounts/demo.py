"""Demo LAOs and one account per role, for `manage.py seed_demo`. Demo only."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from .models import ConsentPurpose, LaoType, Organisation, Role, User
from .services import give_consent

# A few LAOs in three provinces (DOPA codes from geothai). The DLA codes are
# made up for the demo; the real directory is imported (docs/lao-directory.md).
DEMO_ORGANISATIONS = [
    ("5000001", LaoType.PAO, "องค์การบริหารส่วนจังหวัดเชียงใหม่", "Chiang Mai PAO", "50", "5001"),
    (
        "5010101",
        LaoType.CITY_MUNICIPALITY,
        "เทศบาลนครเชียงใหม่",
        "Chiang Mai City Municipality",
        "50",
        "5001",
    ),
    (
        "5020201",
        LaoType.SUBDISTRICT_MUNICIPALITY,
        "เทศบาลตำบลจอมทอง",
        "Chom Thong Subdistrict Municipality",
        "50",
        "5002",
    ),
    ("5040301", LaoType.SAO, "องค์การบริหารส่วนตำบลเมืองนะ", "Mueang Na SAO", "50", "5004"),
    (
        "4010101",
        LaoType.CITY_MUNICIPALITY,
        "เทศบาลนครขอนแก่น",
        "Khon Kaen City Municipality",
        "40",
        "4001",
    ),
    (
        "4020101",
        LaoType.TOWN_MUNICIPALITY,
        "เทศบาลเมืองบ้านฝาง",
        "Ban Fang Town Municipality",
        "40",
        "4002",
    ),
    ("4040201", LaoType.SAO, "องค์การบริหารส่วนตำบลหนองเรือ", "Nong Ruea SAO", "40", "4004"),
    (
        "8410101",
        LaoType.CITY_MUNICIPALITY,
        "เทศบาลนครสุราษฎร์ธานี",
        "Surat Thani City Municipality",
        "84",
        "8401",
    ),
    (
        "8440101",
        LaoType.CITY_MUNICIPALITY,
        "เทศบาลนครเกาะสมุย",
        "Ko Samui City Municipality",
        "84",
        "8404",
    ),
    (
        "8420201",
        LaoType.SUBDISTRICT_MUNICIPALITY,
        "เทศบาลตำบลกะแดะ",
        "Kadae Subdistrict Municipality",
        "84",
        "8402",
    ),
]

# Demo-only passwords, printed by seed_demo and listed in README.md.
DEMO_USERS = [
    {
        "email": "participant@example.com",
        "password": "demo-participant-2569",
        "role": Role.PARTICIPANT,
        "prefix": "นางสาว",
        "first_name": "น้ำฝน",
        "last_name": "ใจดี",
        "first_name_en": "Namfon",
        "last_name_en": "Jaidee",
        "position": "นักวิชาการสิ่งแวดล้อมปฏิบัติการ",
        "organisation": "5010101",
    },
    {
        "email": "trainer@example.com",
        "password": "demo-trainer-2569",
        "role": Role.TRAINER,
        "prefix": "ดร.",
        "first_name": "สมชาย",
        "last_name": "รักษ์โลก",
        "position": "วิทยากร กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม",
        "is_staff": True,
    },
    {
        "email": "coordinator@example.com",
        "password": "demo-coordinator-2569",
        "role": Role.PROVINCIAL_COORDINATOR,
        "coordinated_province_code": "50",
        "prefix": "นาย",
        "first_name": "ประสิทธิ์",
        "last_name": "มั่นคง",
        "position": "เจ้าหน้าที่สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดเชียงใหม่",
    },
    {
        "email": "admin@example.com",
        "password": "demo-admin-2569",
        "role": Role.DLA_ADMIN,
        "prefix": "นาง",
        "first_name": "วิไล",
        "last_name": "ปกครองดี",
        "position": "นักวิเคราะห์นโยบายและแผน กรมส่งเสริมการปกครองท้องถิ่น",
        "is_staff": True,
        "is_superuser": True,
    },
]


# Made-up contact data for some demo LAOs, so the coordinator's follow-up list shows some.
DEMO_CONTACTS = {
    "5020201": ("053-000201", "demo-chomthong@example.go.th"),
    "5040301": ("053-000301", ""),
    "4040201": ("043-000201", "demo-nongruea@example.go.th"),
}


def seed_organisations() -> list[Organisation]:
    organisations = []
    for dla_code, lao_type, name_th, name_en, province_code, district_code in DEMO_ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            dla_code=dla_code,
            defaults={
                "lao_type": lao_type,
                "name_th": name_th,
                "name_en": name_en,
                "province_code": province_code,
                "district_code": district_code,
                "phone": DEMO_CONTACTS.get(dla_code, ("", ""))[0],
                "email": DEMO_CONTACTS.get(dla_code, ("", ""))[1],
            },
        )
        organisations.append(organisation)
    return organisations


def seed_users() -> dict[str, User]:
    """One verified account per role, keyed by role."""
    editors = Group.objects.filter(name="Editors").first()
    users = {}
    for spec in DEMO_USERS:
        fields = {k: v for k, v in spec.items() if k not in {"email", "password", "organisation"}}
        if "organisation" in spec:
            fields["organisation"] = Organisation.objects.get(dla_code=spec["organisation"])
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            user = User.objects.create_user(spec["email"], spec["password"], **fields)
            if user.role == Role.TRAINER and editors:
                user.groups.add(editors)
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if user.role == Role.PARTICIPANT:
            # The demo participant has accepted the privacy notice, so can enrol at once.
            give_consent(user=user, purpose=ConsentPurpose.TRAINING)
        users[user.role] = user
    return users
