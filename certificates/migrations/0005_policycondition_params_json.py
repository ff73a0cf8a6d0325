"""A condition's parameters become one JSON value that the providing app reads
(``courses.completion``): the attendance columns ``min_percent`` and ``min_minutes`` move
into ``params`` as ``{"min_percent": 80}`` or ``{"min_minutes": 150}``, and back."""

from django.db import migrations, models

NAMES = ("min_percent", "min_minutes")


def columns_to_params(apps, schema_editor):
    PolicyCondition = apps.get_model("certificates", "PolicyCondition")
    for condition in PolicyCondition.objects.all():
        condition.params = {
            name: getattr(condition, name) for name in NAMES if getattr(condition, name) is not None
        }
        condition.save(update_fields=["params"])


def params_to_columns(apps, schema_editor):
    PolicyCondition = apps.get_model("certificates", "PolicyCondition")
    for condition in PolicyCondition.objects.all():
        params = condition.params or {}
        for name in NAMES:
            value = params.get(name)
            setattr(condition, name, int(value) if value is not None else None)
        condition.save(update_fields=list(NAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_certificate_images_collection"),
    ]

    operations = [
        migrations.AddField(
            model_name="policycondition",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.RunPython(columns_to_params, params_to_columns),
        migrations.RemoveConstraint(
            model_name="policycondition",
            name="policycondition_percent_1_to_100",
        ),
        migrations.RemoveConstraint(
            model_name="policycondition",
            name="policycondition_percent_or_minutes",
        ),
        migrations.RemoveField(
            model_name="policycondition",
            name="min_minutes",
        ),
        migrations.RemoveField(
            model_name="policycondition",
            name="min_percent",
        ),
    ]
