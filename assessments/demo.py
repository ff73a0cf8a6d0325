"""Demo pre-test and post-test for round 1, for seed_demo (idempotent).

Ten Thai questions on the training's topics: the four SAR components and their link to
LPA, city data entry, waste, GHG scopes 1–3 and low-carbon city measures. The same items
are asked before and after the training, so the learning gain compares like with like.
"""

from django.db import transaction

from courses.models import Programme

from .models import Choice, Layout, Question, QuestionKind, Quiz, QuizKind, Review, Scoring

S, M, TF = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE

# (kind, text, [(choice, correct)], explanation)
QUESTIONS = [
    (
        S,
        "ระบบประเมินเมืองสิ่งแวดล้อมยั่งยืนด้วยตนเอง (SAR) ประเมินเมืองด้วยกี่องค์ประกอบ และแต่ละองค์ประกอบมีน้ำหนักเท่าใด",
        [
            ("3 องค์ประกอบ องค์ประกอบละประมาณร้อยละ 33", False),
            ("4 องค์ประกอบ องค์ประกอบละร้อยละ 25", True),
            ("5 องค์ประกอบ องค์ประกอบละร้อยละ 20", False),
            ("4 องค์ประกอบ โดยด้านสิ่งแวดล้อมมีน้ำหนักร้อยละ 40", False),
        ],
        "SAR มี 4 องค์ประกอบ น้ำหนักเท่ากันองค์ประกอบละร้อยละ 25",
    ),
    (
        M,
        "ข้อใดเป็นองค์ประกอบของเมืองสิ่งแวดล้อมยั่งยืนตาม SAR (เลือกได้หลายข้อ)",
        [
            ("เมืองอยู่ดี", True),
            ("คนมีสุข", True),
            ("เมืองอุตสาหกรรมสมัยใหม่", False),
            ("สิ่งแวดล้อมยั่งยืน", True),
            ("เมืองแห่งการเรียนรู้และการบริหารจัดการที่ดี", True),
        ],
        "สี่องค์ประกอบคือ เมืองอยู่ดี คนมีสุข สิ่งแวดล้อมยั่งยืน และเมืองแห่งการเรียนรู้และการบริหารจัดการที่ดี",
    ),
    (
        TF,
        "กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อมได้บูรณาการ SAR เข้ากับการประเมินประสิทธิภาพขององค์กรปกครองส่วนท้องถิ่น (LPA)",
        [("ถูก", True), ("ผิด", False)],
        "ตัวชี้วัดด้านสิ่งแวดล้อมของ SAR อยู่ใน LPA ด้านที่ 4 การบริการสาธารณะ",
    ),
    (
        M,
        "ข้อมูลใดต้องกรอกในข้อมูลพื้นฐานของเมือง (city profile) ก่อนประเมิน (เลือกได้หลายข้อ)",
        [
            ("ประเภทของ อปท.", True),
            ("จำนวนประชากร", True),
            ("จำนวนครัวเรือน", True),
            ("ชื่อผู้บริหารท้องถิ่น", False),
        ],
        "ประเภท อปท. จำนวนประชากร และจำนวนครัวเรือน ใช้คำนวณตัวชี้วัดต่อหัวและเกณฑ์พื้นที่สีเขียว",
    ),
    (
        S,
        "ปริมาณขยะมูลฝอยที่คนไทยผลิตโดยเฉลี่ยอยู่ที่ประมาณเท่าใด",
        [
            ("0.3 กิโลกรัมต่อคนต่อวัน", False),
            ("1.1 กิโลกรัมต่อคนต่อวัน", True),
            ("2.5 กิโลกรัมต่อคนต่อวัน", False),
            ("5 กิโลกรัมต่อคนต่อวัน", False),
        ],
        "ค่าเฉลี่ยของประเทศอยู่ที่ประมาณ 1.1–1.14 กิโลกรัมต่อคนต่อวัน",
    ),
    (
        S,
        "การใช้ไฟฟ้าจากระบบสายส่งในอาคารสำนักงาน อปท. นับเป็นการปล่อยก๊าซเรือนกระจกขอบเขตใด",
        [
            ("ขอบเขต 1 (ปล่อยโดยตรง)", False),
            ("ขอบเขต 2 (ทางอ้อมจากพลังงานที่ซื้อมา)", True),
            ("ขอบเขต 3 (ทางอ้อมอื่น ๆ)", False),
            ("ไม่นับเป็นการปล่อยก๊าซเรือนกระจก", False),
        ],
        "ไฟฟ้าที่ซื้อจากระบบสายส่งเป็นการปล่อยทางอ้อมจากพลังงาน จึงอยู่ในขอบเขต 2",
    ),
    (
        S,
        "การเผาไหม้น้ำมันดีเซลของรถเก็บขนขยะที่ อปท. เป็นเจ้าของ จัดอยู่ในขอบเขตใด",
        [
            ("ขอบเขต 1", True),
            ("ขอบเขต 2", False),
            ("ขอบเขต 3", False),
            ("ขึ้นกับระยะทางที่วิ่ง", False),
        ],
        "การเผาไหม้เชื้อเพลิงในยานพาหนะของ อปท. เองเป็นการปล่อยโดยตรง ขอบเขต 1",
    ),
    (
        S,
        "ข้อใดเป็นตัวอย่างการปล่อยก๊าซเรือนกระจกขอบเขต 3 ของ อปท.",
        [
            ("การเผาก๊าซหุงต้มในโรงอาหารของสำนักงาน", False),
            ("การใช้ไฟฟ้าในสถานีสูบน้ำ", False),
            ("การผลิตกระดาษและวัสดุสำนักงานที่ อปท. ซื้อมาใช้", True),
            ("น้ำมันเบนซินของรถส่วนกลาง", False),
        ],
        "การปล่อยที่เกิดนอกการควบคุมของ อปท. ในห่วงโซ่อุปทาน เช่น การผลิตสินค้าที่ซื้อมา อยู่ในขอบเขต 3",
    ),
    (
        S,
        "ค่าการปล่อยก๊าซเรือนกระจก (emission factor) ที่ใช้คำนวณบัญชีก๊าซเรือนกระจกของเมืองในประเทศไทย ควรอ้างอิงจากหน่วยงานใด",
        [
            ("องค์การบริหารจัดการก๊าซเรือนกระจก (องค์การมหาชน) (อบก.)", True),
            ("กรมอุตุนิยมวิทยา", False),
            ("สำนักงานสถิติแห่งชาติ", False),
            ("ค่าที่ อปท. กำหนดเอง", False),
        ],
        "อบก. (TGO) เผยแพร่ค่าการปล่อยก๊าซเรือนกระจกที่ใช้อ้างอิงในประเทศ และปรับปรุงเป็นระยะ",
    ),
    (
        M,
        "มาตรการใดช่วยให้เมืองเป็นเมืองคาร์บอนต่ำ (เลือกได้หลายข้อ)",
        [
            ("คัดแยกขยะอินทรีย์ไปทำปุ๋ยหมักแทนการเทกองกลางแจ้ง", True),
            ("เปลี่ยนหลอดไฟถนนเป็นหลอด LED", True),
            ("เผาขยะในที่โล่งเพื่อลดปริมาณขยะ", False),
            ("เพิ่มและดูแลพื้นที่สีเขียวในเมือง", True),
        ],
        "การทำปุ๋ยหมัก ไฟ LED และพื้นที่สีเขียวช่วยลดหรือดูดซับก๊าซเรือนกระจก ส่วนการเผาในที่โล่งสร้างมลพิษและไม่ใช่การจัดการที่ถูกต้อง",
    ),
]

PRE_TEST = {
    "title": "แบบทดสอบก่อนการอบรม ครั้งที่ 1",
    "kind": QuizKind.PRE_TEST,
    "instructions": "ทำแบบทดสอบนี้ก่อนเข้าร่วมการอบรม เพื่อวัดความรู้เดิม ไม่มีผลต่อการได้รับวุฒิบัตร มี 10 ข้อ เวลา 15 นาที ระบบบันทึกคำตอบทุกครั้งที่เลือก หากสัญญาณหลุดให้เปิดหน้าเดิมอีกครั้ง",
    "time_limit_minutes": 15,
    "max_attempts": 1,
    "shuffle_choices": True,
    "pass_percent": 60,
    # Which questions were right, not the answers: the post-test asks the same questions.
    "review": Review.MARKS,
    "layout": Layout.ALL,
}
POST_TEST = {
    "title": "แบบทดสอบหลังการอบรม ครั้งที่ 1",
    "kind": QuizKind.POST_TEST,
    "instructions": "ทำแบบทดสอบนี้หลังการอบรม ต้องได้คะแนนอย่างน้อยร้อยละ 60 เพื่อรับวุฒิบัตร ทำได้ 2 ครั้ง นับครั้งที่ได้คะแนนสูงสุด มี 10 ข้อ เวลา 20 นาที",
    "time_limit_minutes": 20,
    "max_attempts": 2,
    "shuffle_questions": True,
    "shuffle_choices": True,
    "pass_percent": 60,
    "scoring": Scoring.BEST,
    "review": Review.EXPLANATIONS,
    "layout": Layout.ONE,
}


@transaction.atomic
def seed_assessments(programme: Programme) -> list[Quiz]:
    round_ = programme.rounds.filter(number=1).first()
    if round_ is None:
        return []
    quizzes = []
    for spec in (PRE_TEST, POST_TEST):
        quiz, created = Quiz.objects.get_or_create(
            programme=programme,
            round=round_,
            kind=spec["kind"],
            defaults={k: v for k, v in spec.items() if k != "kind"},
        )
        if created:
            for position, (kind, text, choices, explanation) in enumerate(QUESTIONS, start=1):
                question = Question.objects.create(
                    quiz=quiz, position=position, kind=kind, text=text, explanation=explanation
                )
                Choice.objects.bulk_create(
                    Choice(question=question, text=choice, is_correct=correct, sort_order=index)
                    for index, (choice, correct) in enumerate(choices)
                )
        quizzes.append(quiz)
    return quizzes
