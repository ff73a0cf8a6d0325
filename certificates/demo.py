"""Demo certificate templates (Thai and English) and a programme policy, for seed_demo.

The emblems and signatures are drawn here with Pillow: made-up demo images, not the
agencies' real emblems. The signatories' names are fictional ("ตัวอย่าง").
"""

import io
import math

from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Collection

from courses.models import Programme

from .models import CertificateLanguage, CertificateTemplate, CompletionPolicy, PolicyCondition
from .pinning import certificate_images_collection

GREEN, GOLD, NAVY, INK = (15, 90, 67), (184, 150, 62), (22, 52, 110), (24, 40, 92)

THAI_TEMPLATE = {
    "name": "วุฒิบัตรโครงการเมืองสิ่งแวดล้อมยั่งยืน (ภาษาไทย)",
    "language": CertificateLanguage.THAI,
    "title": "วุฒิบัตร",
    "body": "ให้ไว้เพื่อแสดงว่า\n{name}\n{lao} {province}\nได้ผ่านการอบรม {training}\nตาม{programme}",
    "circular_reference": "ตามหนังสือกรมส่งเสริมการปกครองท้องถิ่น ที่ {circular}",
    "date_line": "ให้ไว้ ณ วันที่ {date}",
    "issuer": "กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม ร่วมกับ กรมส่งเสริมการปกครองท้องถิ่น",
    "thai_digits": True,
    "agencies": [
        ("กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม", "dcce"),
        ("กรมส่งเสริมการปกครองท้องถิ่น", "dla"),
    ],
    "signatories": [
        ("นายสมชาย ตัวอย่าง", "อธิบดีกรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม", "signature-1"),
        ("นายประเสริฐ ตัวอย่าง", "อธิบดีกรมส่งเสริมการปกครองท้องถิ่น", "signature-2"),
    ],
}

ENGLISH_TEMPLATE = {
    "name": "Sustainable environmental city certificate (English)",
    "language": CertificateLanguage.ENGLISH,
    "title": "Certificate of Completion",
    "body": "This is to certify that\n{name}\n{lao}, {province}\nhas completed {training}\nof the {programme}",
    "circular_reference": "Department of Local Administration circular {circular}",
    "date_line": "Given on {date}",
    "issuer": "Department of Climate Change and Environment with the Department of Local Administration",
    "thai_digits": False,
    "agencies": [
        ("Department of Climate Change and Environment", "dcce"),
        ("Department of Local Administration", "dla"),
    ],
    "signatories": [
        (
            "Mr Somchai Tuayang",
            "Director-General\nDepartment of Climate Change and Environment",
            "signature-1",
        ),
        (
            "Mr Prasert Tuayang",
            "Director-General\nDepartment of Local Administration",
            "signature-2",
        ),
    ],
}

POLICY_TITLE = "วุฒิบัตรผู้ผ่านการอบรมครบหลักสูตร"
ROUND_1_POLICY_TITLE = "วุฒิบัตรผู้ผ่านการอบรมครั้งที่ ๑"


def _supersample(size, draw_fn, scale=3):
    big = PILImage.new("RGBA", (size[0] * scale, size[1] * scale), (0, 0, 0, 0))
    draw_fn(ImageDraw.Draw(big), scale)
    return big.resize(size, PILImage.LANCZOS)


def _emblem(kind: str) -> PILImage.Image:
    def draw(d, s):
        c, r = 256 * s, 250 * s
        main = GREEN if kind == "dcce" else NAVY
        d.ellipse((c - r, c - r, c + r, c + r), fill=(255, 255, 255, 255))
        d.ellipse((c - r, c - r, c + r, c + r), outline=(*GOLD, 255), width=14 * s)
        r2 = 214 * s
        d.ellipse((c - r2, c - r2, c + r2, c + r2), fill=(*main, 255))
        r3 = 196 * s
        d.ellipse((c - r3, c - r3, c + r3, c + r3), outline=(*GOLD, 255), width=4 * s)
        # A ring of small dots, as on a seal.
        for i in range(36):
            a = 2 * math.pi * i / 36
            x, y = c + 232 * s * math.cos(a), c + 232 * s * math.sin(a)
            d.ellipse((x - 4 * s, y - 4 * s, x + 4 * s, y + 4 * s), fill=(*main, 255))
        if kind == "dcce":
            # A leaf with its veins.
            leaf = [
                (
                    c + 120 * s * math.sin(t) * (1 - t / math.pi) ** 0.4,
                    c - 150 * s + 300 * s * t / math.pi,
                )
                for t in [i * math.pi / 40 for i in range(41)]
            ]
            leaf += [(2 * c - x, y) for x, y in reversed(leaf)]
            d.polygon(leaf, fill=(228, 242, 236, 255))
            d.line([(c, c - 120 * s), (c, c + 170 * s)], fill=(*main, 255), width=10 * s)
            for k in range(4):
                y = c - 70 * s + k * 55 * s
                d.line(
                    [(c, y + 40 * s), (c - 70 * s + k * 10 * s, y)], fill=(*main, 255), width=7 * s
                )
                d.line(
                    [(c, y + 40 * s), (c + 70 * s - k * 10 * s, y)], fill=(*main, 255), width=7 * s
                )
        else:
            # A Thai pavilion: three roof tiers, pillars and a base.
            gold = (*GOLD, 255)
            for tier in range(3):
                w = (70 + tier * 45) * s
                top = c - (150 - tier * 55) * s
                d.polygon([(c, top), (c + w, top + 60 * s), (c - w, top + 60 * s)], fill=gold)
            for k in range(-2, 3):
                x = c + k * 42 * s
                d.rectangle((x - 9 * s, c + 25 * s, x + 9 * s, c + 120 * s), fill=gold)
            d.rectangle((c - 130 * s, c + 120 * s, c + 130 * s, c + 140 * s), fill=gold)
            d.rectangle((c - 150 * s, c + 148 * s, c + 150 * s, c + 162 * s), fill=gold)

    return _supersample((512, 512), draw)


def _signature(seed: int) -> PILImage.Image:
    """A made-up handwritten signature: loops drifting right, then a flourish."""

    def draw(d, s):
        loops = 7 + seed
        points = []
        for i in range(900):
            t = i / 899
            phase = 2 * math.pi * loops * t + seed
            height = 70 * (0.55 + 0.45 * math.sin(2 * math.pi * (1.3 + 0.2 * seed) * t + seed))
            x = 80 + 620 * t + 46 * math.cos(phase)
            y = 150 - height * math.sin(phase) + 25 * math.sin(3 * math.pi * t)
            points.append((x * s, y * s))
        d.line(points, fill=(*INK, 255), width=6 * s, joint="curve")
        flourish = [
            ((120 + 680 * t) * s, (235 - 18 * math.sin(math.pi * t) + 8 * t * seed) * s)
            for t in (i / 199 for i in range(200))
        ]
        d.line(flourish, fill=(*INK, 255), width=4 * s, joint="curve")

    return _supersample((900, 300), draw)


def _demo_image(key: str, title: str) -> Image:
    """A demo emblem or signature, in the collection only DLA administrators may change."""
    collection = certificate_images_collection() or Collection.get_first_root_node()
    image = Image.objects.filter(title=title).first()
    if image is not None:
        if image.collection_id != collection.pk:  # seeded before the collection existed
            image.collection = collection
            image.save(update_fields=["collection"])
        return image
    name = f"original_images/esc-demo-{key}.png"
    picture = _emblem(key) if key in ("dcce", "dla") else _signature(int(key[-1]))
    if not default_storage.exists(name):
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", optimize=True)
        name = default_storage.save(name, io.BytesIO(buffer.getvalue()))
    image = Image(
        title=title,
        file=name,
        width=picture.width,
        height=picture.height,
        collection=collection,
    )
    image.file_size = default_storage.size(name)
    image.save()
    return image


def _template(spec: dict) -> CertificateTemplate:
    template = CertificateTemplate.objects.filter(name=spec["name"]).first()
    if template is not None:
        return template
    template = CertificateTemplate(
        **{k: v for k, v in spec.items() if k not in {"agencies", "signatories"}}
    )
    template.agencies = [
        ("agency", {"name": name, "logo": _demo_image(key, f"ตราสัญลักษณ์ตัวอย่าง {key}")})
        for name, key in spec["agencies"]
    ]
    template.signatories = [
        (
            "signatory",
            {
                "name": name,
                "position": position,
                "signature": _demo_image(key, f"ลายมือชื่อตัวอย่าง {key}"),
            },
        )
        for name, position, key in spec["signatories"]
    ]
    template.save()
    template.save_revision(log_action=False)
    return template


@transaction.atomic
def seed_certificates(programme: Programme) -> CompletionPolicy:
    """Templates in Thai and English and the programme's policy (idempotent)."""
    thai = _template(THAI_TEMPLATE)
    english = _template(ENGLISH_TEMPLATE)
    policy = CompletionPolicy.objects.filter(programme=programme, round__isnull=True).first()
    if policy is None:
        policy = CompletionPolicy.objects.create(
            title=POLICY_TITLE,
            programme=programme,
            template=thai,
            template_en=english,
            number_prefix="ESC",
            min_rounds=None,
        )
        PolicyCondition.objects.bulk_create(
            [
                PolicyCondition(
                    policy=policy, kind="attendance", params={"min_percent": 80}, sort_order=0
                ),
                PolicyCondition(policy=policy, kind="sandbox_exercise", sort_order=1),
                PolicyCondition(
                    policy=policy, kind="post_test_passed", scope="any_round", sort_order=2
                ),
            ]
        )
    seed_round_policy(programme, thai, english)
    return policy


def seed_round_policy(programme: Programme, thai, english) -> CompletionPolicy | None:
    """Round 1's own certificate: 80 % attendance (or the trainer's "present"), the
    post-test passed, the sandbox exercise done; so a whole round can be tried in `make run`
    (README: seed_demo --round-now 1)."""
    round_1 = programme.rounds.filter(number=1).first()
    if round_1 is None:
        return None
    policy, created = CompletionPolicy.objects.get_or_create(
        programme=programme,
        round=round_1,
        defaults={
            "title": ROUND_1_POLICY_TITLE,
            "template": thai,
            "template_en": english,
            "number_prefix": "ESC",
        },
    )
    if created:
        PolicyCondition.objects.bulk_create(
            [
                PolicyCondition(
                    policy=policy, kind="attendance", params={"min_percent": 80}, sort_order=0
                ),
                PolicyCondition(policy=policy, kind="post_test_passed", sort_order=1),
                PolicyCondition(policy=policy, kind="sandbox_exercise", sort_order=2),
            ]
        )
    return policy
