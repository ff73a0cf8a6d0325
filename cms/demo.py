"""The demo page tree in Thai and English, for `manage.py seed_demo`."""

import datetime

from django.db import transaction
from wagtail.models import Collection, Locale, Page, Site

from courses.models import Programme

from .models import HomePage, ProgrammePage, RoundPage, StandardPage

T = datetime.time

HOME = {
    "th": {
        "title": "เครือข่ายขับเคลื่อนเมืองสิ่งแวดล้อมยั่งยืน และจัดเก็บข้อมูลสู่เมืองคาร์บอนต่ำ",
        "intro": (
            "<p>การอบรมออนไลน์สำหรับบุคลากรขององค์กรปกครองส่วนท้องถิ่นทั่วประเทศ "
            "เพื่อเรียนรู้การใช้ระบบประเมินเมืองสิ่งแวดล้อมยั่งยืนด้วยตนเอง (SAR) "
            "การจัดเก็บและบันทึกข้อมูลเมือง และการจัดทำบัญชีก๊าซเรือนกระจกสู่เมืองคาร์บอนต่ำ "
            "อบรม 4 ครั้ง ผ่านระบบประชุมออนไลน์ ไม่มีค่าใช้จ่าย</p>"
        ),
    },
    "en": {
        "title": "Sustainable Environmental City Network and Low-Carbon City Data",
        "intro": (
            "<p>Online training for officers of local administrative organisations across "
            "Thailand: using SAR, the self-assessment system for sustainable environmental "
            "cities; collecting and entering city data; and building a greenhouse-gas "
            "inventory towards a low-carbon city. Four online rounds, free of charge.</p>"
        ),
    },
}

PROGRAMME = {
    "th": {
        "title": "โครงการอบรมเสริมศักยภาพเครือข่ายขับเคลื่อนเมืองสิ่งแวดล้อมยั่งยืน ครั้งที่ 1 - 4",
        "summary": (
            "<p>กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม ร่วมกับกรมส่งเสริมการปกครองท้องถิ่น "
            "จัดการอบรมออนไลน์เพื่อเสริมศักยภาพเครือข่ายขับเคลื่อนเมืองสิ่งแวดล้อมยั่งยืน "
            "ให้องค์กรปกครองส่วนท้องถิ่นสามารถจัดเก็บและบันทึกข้อมูลเมืองในระบบประเมิน "
            "เมืองสิ่งแวดล้อมยั่งยืนด้วยตนเอง (SAR) ซึ่งเชื่อมโยงกับการประเมินประสิทธิภาพ "
            "ขององค์กรปกครองส่วนท้องถิ่น (LPA) และจัดเก็บข้อมูลก๊าซเรือนกระจกสู่เมืองคาร์บอนต่ำ</p>"
        ),
        "agencies": [
            "กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม",
            "กรมส่งเสริมการปกครองท้องถิ่น",
        ],
        "objectives": [
            "เพื่อสร้างความเข้าใจเกี่ยวกับระบบประเมินเมืองสิ่งแวดล้อมยั่งยืน",
            "เพื่อให้องค์กรปกครองส่วนท้องถิ่นสามารถจัดเก็บและบันทึกข้อมูลเมืองได้อย่างถูกต้อง",
            "เพื่อให้องค์กรปกครองส่วนท้องถิ่นประเมินระดับการพัฒนาเมืองของตนเองได้",
            "เพื่อเตรียมความพร้อมรับมือการเปลี่ยนแปลงสภาพภูมิอากาศ",
            "เพื่อแลกเปลี่ยนประสบการณ์กับองค์กรปกครองส่วนท้องถิ่นที่ดำเนินการแล้ว",
        ],
        "target_groups": [
            "บุคลากรขององค์กรปกครองส่วนท้องถิ่นที่รับผิดชอบงานด้านสิ่งแวดล้อม",
            "ผู้รับผิดชอบการบันทึกข้อมูลการประเมินประสิทธิภาพ (LPA)",
            "เจ้าหน้าที่สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด",
        ],
        "contacts": [
            {
                "name": "กองส่งเสริมและพัฒนาเมืองสิ่งแวดล้อมยั่งยืน",
                "role": "กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม",
                "phone": "0 2265 6500",
                "email": "esc-training@example.com",
            },
            {
                "name": "กองส่งเสริมและพัฒนาการจัดการสิ่งแวดล้อม",
                "role": "กรมส่งเสริมการปกครองท้องถิ่น",
                "phone": "0 2241 9000",
                "email": "",
            },
        ],
    },
    "en": {
        "title": "Capacity building for the sustainable environmental city network, rounds 1-4",
        "summary": (
            "<p>The Department of Climate Change and Environment and the Department of Local "
            "Administration run an online training so that local administrative organisations "
            "can collect and enter city data in SAR, the self-assessment system for sustainable "
            "environmental cities linked to the Local Performance Assessment (LPA), and collect "
            "greenhouse-gas data towards a low-carbon city.</p>"
        ),
        "agencies": [
            "Department of Climate Change and Environment",
            "Department of Local Administration",
        ],
        "objectives": [
            "Understand the sustainable environmental city assessment system",
            "Enable local organisations to collect and enter city data correctly",
            "Enable local organisations to assess their own city's level of development",
            "Prepare for climate change",
            "Exchange experience with organisations that have done it",
        ],
        "target_groups": [
            "Officers of local administrative organisations in charge of the environment",
            "Officers who enter the Local Performance Assessment (LPA) data",
            "Staff of the provincial local-administration offices",
        ],
        "contacts": [
            {
                "name": "Sustainable Environmental City Division",
                "role": "Department of Climate Change and Environment",
                "phone": "+66 2265 6500",
                "email": "esc-training@example.com",
            },
        ],
    },
}

ROUNDS = {
    1: {
        "th": (
            "<p>ทำความรู้จักเมืองสิ่งแวดล้อมยั่งยืน องค์ประกอบ 4 ด้าน (เมืองอยู่ดี คนมีสุข "
            "สิ่งแวดล้อมยั่งยืน และเมืองแห่งการเรียนรู้และการบริหารจัดการที่ดี) ความเชื่อมโยงกับ LPA "
            "การกรอกข้อมูลพื้นฐานของเมือง และตัวชี้วัดด้านขยะมูลฝอย</p>",
            [
                (T(9, 0), T(9, 15), "เปิดการอบรมและชี้แจงวัตถุประสงค์", "ผู้แทนกรมส่งเสริมการปกครองท้องถิ่น"),
                (
                    T(9, 15),
                    T(10, 15),
                    "เมืองสิ่งแวดล้อมยั่งยืนและองค์ประกอบ 4 ด้าน",
                    "ผู้แทนกรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม",
                ),
                (T(10, 15), T(11, 15), "ฝึกปฏิบัติ: ข้อมูลพื้นฐานของเมืองและข้อมูลขยะมูลฝอย", "ทีมวิทยากร"),
                (T(11, 15), T(12, 0), "ถาม-ตอบ และแบบทดสอบ", ""),
            ],
        ),
        "en": (
            "<p>What a sustainable environmental city is, the four SAR components and their "
            "link to LPA, the city profile, and the waste indicators.</p>",
            [
                (T(9, 0), T(9, 15), "Opening and objectives", "Department of Local Administration"),
                (
                    T(9, 15),
                    T(10, 15),
                    "Sustainable environmental cities and the four components",
                    "Department of Climate Change and Environment",
                ),
                (T(10, 15), T(11, 15), "Practice: the city profile and waste data", "Trainers"),
                (T(11, 15), T(12, 0), "Questions and the test", ""),
            ],
        ),
    },
    2: {
        "th": (
            "<p>แหล่งข้อมูลและวิธีบันทึกข้อมูลน้ำประปา น้ำเสีย และพื้นที่สีเขียว พร้อมการแนบหลักฐานประกอบ</p>",
            [
                (T(9, 0), T(9, 10), "ทบทวนครั้งที่ 1", "ทีมวิทยากร"),
                (
                    T(9, 10),
                    T(10, 30),
                    "ข้อมูลน้ำ น้ำเสีย และพื้นที่สีเขียว: แหล่งข้อมูลและหลักฐาน",
                    "ผู้แทนกรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม",
                ),
                (T(10, 30), T(11, 40), "ฝึกปฏิบัติบันทึกข้อมูลในระบบทดลอง", "ทีมวิทยากร"),
                (T(11, 40), T(12, 0), "ถาม-ตอบ", ""),
            ],
        ),
        "en": (
            "<p>Where the figures for tap water, wastewater and green space come from, how to "
            "enter them, and the evidence to keep.</p>",
            [
                (T(9, 0), T(9, 10), "Review of round 1", "Trainers"),
                (
                    T(9, 10),
                    T(10, 30),
                    "Water, wastewater and green space: sources and evidence",
                    "Department of Climate Change and Environment",
                ),
                (T(10, 30), T(11, 40), "Practice in the sandbox", "Trainers"),
                (T(11, 40), T(12, 0), "Questions", ""),
            ],
        ),
    },
    3: {
        "th": (
            "<p>การจัดทำบัญชีก๊าซเรือนกระจก ขอบเขตที่ 1-3 การใช้ค่าการปล่อยก๊าซเรือนกระจก "
            "ขององค์การบริหารจัดการก๊าซเรือนกระจก (อบก.) และมาตรการลดก๊าซเรือนกระจกของท้องถิ่น</p>",
            [
                (
                    T(9, 0),
                    T(10, 0),
                    "บัญชีก๊าซเรือนกระจกระดับเมือง ขอบเขตที่ 1-3",
                    "ผู้แทนกรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม",
                ),
                (T(10, 0), T(11, 15), "ฝึกปฏิบัติ: ไฟฟ้า เชื้อเพลิง และขยะ", "ทีมวิทยากร"),
                (T(11, 15), T(12, 0), "มาตรการเมืองคาร์บอนต่ำ และถาม-ตอบ", "ทีมวิทยากร"),
            ],
        ),
        "en": (
            "<p>The city greenhouse-gas inventory, scopes 1 to 3, TGO emission factors and "
            "local measures to cut emissions.</p>",
            [
                (
                    T(9, 0),
                    T(10, 0),
                    "The city inventory, scopes 1-3",
                    "Department of Climate Change and Environment",
                ),
                (T(10, 0), T(11, 15), "Practice: electricity, fuels and waste", "Trainers"),
                (T(11, 15), T(12, 0), "Low-carbon measures and questions", "Trainers"),
            ],
        ),
    },
    4: {
        "th": (
            "<p>ประเมินตนเองครบทุกองค์ประกอบ อ่านผลระดับการพัฒนาเมือง วางแผนพัฒนา "
            "และแลกเปลี่ยนประสบการณ์จากองค์กรปกครองส่วนท้องถิ่นที่ดำเนินการแล้ว</p>",
            [
                (
                    T(9, 0),
                    T(10, 0),
                    "การประเมินตนเองครบวงจรและการอ่านผล",
                    "ผู้แทนกรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม",
                ),
                (
                    T(10, 0),
                    T(11, 0),
                    "แลกเปลี่ยนประสบการณ์จากท้องถิ่นต้นแบบ",
                    "ผู้แทนองค์กรปกครองส่วนท้องถิ่นต้นแบบ",
                ),
                (
                    T(11, 0),
                    T(12, 0),
                    "แบบทดสอบหลังการอบรมและปิดการอบรม",
                    "ผู้แทนกรมส่งเสริมการปกครองท้องถิ่น",
                ),
            ],
        ),
        "en": (
            "<p>A complete self-assessment, reading the city's level, planning, and experience "
            "from organisations that have done it.</p>",
            [
                (
                    T(9, 0),
                    T(10, 0),
                    "The complete self-assessment and its result",
                    "Department of Climate Change and Environment",
                ),
                (T(10, 0), T(11, 0), "Experience from model cities", "Model local organisations"),
                (T(11, 0), T(12, 0), "Post-test and closing", "Department of Local Administration"),
            ],
        ),
    },
}

SPEAKERS = {
    "th": [
        ("ผู้อำนวยการกองส่งเสริมและพัฒนาเมืองสิ่งแวดล้อมยั่งยืน", "กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม"),
        ("ผู้อำนวยการกองส่งเสริมและพัฒนาการจัดการสิ่งแวดล้อม", "กรมส่งเสริมการปกครองท้องถิ่น"),
    ],
    "en": [
        (
            "Director, Sustainable Environmental City Division",
            "Department of Climate Change and Environment",
        ),
        ("Director, Environmental Management Division", "Department of Local Administration"),
    ],
}

PRIVACY = {
    "th": (
        "การคุ้มครองข้อมูลส่วนบุคคล",
        "ระบบนี้เก็บข้อมูลส่วนบุคคลเท่าที่จำเป็นต่อการอบรม การบันทึกการเข้าร่วม และการออกวุฒิบัตร",
    ),
    "en": (
        "Personal data protection",
        "This platform keeps only the personal data needed for the training, attendance and certificates.",
    ),
}


def _agenda(items):
    return [
        ("item", {"starts": starts, "ends": ends, "topic": topic, "speaker": speaker})
        for starts, ends, topic, speaker in items
    ]


def _publish(page):
    page.save_revision().publish()
    return page


def _fill_home(page, language):
    content = HOME[language]
    page.title = content["title"]
    page.intro = content["intro"]


def _fill_programme(page, language):
    content = PROGRAMME[language]
    page.title = content["title"]
    page.summary = content["summary"]
    page.issuing_agencies = [
        ("agency", {"name": name, "logo": None}) for name in content["agencies"]
    ]
    page.objectives = [("objective", text) for text in content["objectives"]]
    page.target_groups = [("group", text) for text in content["target_groups"]]
    page.contacts = [("contact", contact) for contact in content["contacts"]]


def _fill_round(page, language, number):
    summary, agenda = ROUNDS[number][language]
    page.title = page.round.title_in(language)  # a round's title has one source: the round
    page.summary = summary
    page.agenda = _agenda(agenda)
    page.speakers = [
        ("speaker", {"name": name, "position": "", "organisation": org, "photo": None})
        for name, org in SPEAKERS[language]
    ]


def _fill_privacy(page, language):
    title, intro = PRIVACY[language]
    page.title = title
    page.intro = intro


def _translate(page, locale, fill, *args):
    """The page's translation into ``locale``, created and filled once."""
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale)
        fill(translation, locale.language_code, *args)
        _publish(translation)
    return translation


def ensure_wagtail_base_rows() -> None:
    """The locales and root nodes Wagtail's migrations create.

    A database flush (a test that commits ends with one) removes them; seeding puts them back
    so `seed_demo` works on any empty database.
    """
    thai, _ = Locale.objects.get_or_create(language_code="th")
    Locale.objects.get_or_create(language_code="en")
    if Page.get_first_root_node() is None:
        # Named as migration cms 0003 names Wagtail's own root nodes.
        Page.add_root(instance=Page(title="หน้าราก", slug="root", locale=thai))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="คลังหลัก")


@transaction.atomic
def seed_pages(programme: Programme) -> HomePage:
    thai = Locale.objects.get(language_code="th")
    english = Locale.objects.get(language_code="en")
    root = Page.get_first_root_node()

    home = HomePage.objects.filter(locale=thai).first()
    if home is None:
        # Replace Wagtail's "Welcome" page with our home page.
        Page.objects.filter(depth=2, content_type__model="page").delete()
        home = HomePage(slug="home", locale=thai)
        _fill_home(home, "th")
        root.add_child(instance=home)
        _publish(home)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page = "localhost", 80, home
    site.site_name = "ESC Training"
    site.save()
    _translate(home, english, _fill_home)

    programme_page = ProgrammePage.objects.filter(locale=thai, programme=programme).first()
    if programme_page is None:
        programme_page = ProgrammePage(slug="programme", programme=programme, locale=thai)
        _fill_programme(programme_page, "th")
        home.add_child(instance=programme_page)
        _publish(programme_page)
    _translate(programme_page, english, _fill_programme)

    for round_ in programme.rounds.all():
        round_page = RoundPage.objects.filter(locale=thai, round=round_).first()
        if round_page is None:
            round_page = RoundPage(slug=f"round-{round_.number}", round=round_, locale=thai)
            _fill_round(round_page, "th", round_.number)
            programme_page.add_child(instance=round_page)
            _publish(round_page)
        _translate(round_page, english, _fill_round, round_.number)

    privacy = StandardPage.objects.filter(locale=thai, slug="privacy").first()
    if privacy is None:
        privacy = StandardPage(slug="privacy", locale=thai)
        _fill_privacy(privacy, "th")
        home.add_child(instance=privacy)
        _publish(privacy)
    _translate(privacy, english, _fill_privacy)
    return home
