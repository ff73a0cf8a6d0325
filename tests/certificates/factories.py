"""Factories for certificates: templates (with a revision), policies, conditions."""

import factory

from certificates.models import (
    CertificateLanguage,
    CertificateTemplate,
    CompletionPolicy,
    PolicyCondition,
)
from tests.factories import ProgrammeFactory

THAI_BODY = "วุฒิบัตรฉบับนี้ให้ไว้เพื่อแสดงว่า\n{name}\n{lao} {province}\nได้ผ่านการอบรม{course}"


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateTemplate
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"แม่แบบทดสอบ {n}")
    language = CertificateLanguage.THAI
    title = "วุฒิบัตร"
    body = THAI_BODY
    date_line = "ให้ไว้ ณ วันที่ {date}"
    circular_reference = "ตามหนังสือ ที่ {circular}"
    issuer = "กรมส่งเสริมการปกครองท้องถิ่น"
    thai_digits = True
    signatories = factory.LazyFunction(
        lambda: [("signatory", {"name": "นายทดสอบ ตัวอย่าง", "position": "อธิบดี", "signature": None})]
    )

    @factory.post_generation
    def revision(obj, create, extracted, **kwargs):
        if create:
            obj.save_revision(log_action=False)


class EnglishTemplateFactory(CertificateTemplateFactory):
    language = CertificateLanguage.ENGLISH
    title = "Certificate of Completion"
    body = "This is to certify that\n{name}\n{lao}, {province}\nhas completed {course}"
    date_line = "Given on {date}"
    circular_reference = ""
    issuer = "Department of Local Administration"
    thai_digits = False


class CompletionPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompletionPolicy

    title = "วุฒิบัตรทดสอบ"
    programme = factory.SubFactory(ProgrammeFactory)
    round = None
    template = factory.SubFactory(CertificateTemplateFactory)
    number_prefix = "ESC"


class PolicyConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyCondition

    class Params:  # attendance's parameters, stored as JSON
        min_percent = 80
        min_minutes = None

    policy = factory.SubFactory(CompletionPolicyFactory)
    kind = "attendance"
    params = factory.LazyAttribute(
        lambda o: {
            name: value
            for name, value in (("min_percent", o.min_percent), ("min_minutes", o.min_minutes))
            if value is not None
        }
    )
    sort_order = factory.Sequence(int)
