import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("certificates", "0004_certificate_images_collection")]
AFTER = [("certificates", "0005_policycondition_params_json")]


def test_the_attendance_columns_become_the_json_parameters_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Template = old.get_model("certificates", "CertificateTemplate")
    Policy = old.get_model("certificates", "CompletionPolicy")
    Condition = old.get_model("certificates", "PolicyCondition")
    Programme = old.get_model("courses", "Programme")
    programme = Programme.objects.create(title="หลักสูตร", code="p")
    template = Template.objects.create(name="t", language="th", title="วุฒิบัตร", body="x")
    policy = Policy.objects.create(title="เกณฑ์", programme=programme, template=template)
    rows = [
        Condition.objects.create(policy=policy, kind="attendance", min_percent=80, sort_order=0),
        Condition.objects.create(policy=policy, kind="attendance", min_minutes=150, sort_order=1),
        Condition.objects.create(policy=policy, kind="post_test_passed", sort_order=2),
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("certificates", "PolicyCondition")
    assert [new.objects.get(pk=row.pk).params for row in rows] == [
        {"min_percent": 80},
        {"min_minutes": 150},
        {},
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = [Condition.objects.get(pk=row.pk) for row in rows]
    assert [(c.min_percent, c.min_minutes) for c in back] == [(80, None), (None, 150), (None, None)]
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
