from django.db import migrations, models

BATCH = 1000


def copy_internal_user_ids(apps, schema_editor):
    """Webhook events kept BBB's internal user id only in their raw payload: copy it into the
    column reconciliation now reads."""
    AttendanceEvent = apps.get_model("training_sessions", "AttendanceEvent")
    webhook_events = AttendanceEvent.objects.filter(source="webhook").order_by("pk")
    last_pk = 0
    while True:
        # Batches by primary key, so writing never disturbs the reading (SQLite too).
        batch = list(webhook_events.filter(pk__gt=last_pk).only("pk", "payload")[:BATCH])
        if not batch:
            return
        last_pk = batch[-1].pk
        changed = []
        for event in batch:
            internal = _internal_user_id(event.payload)
            if internal:
                event.internal_user_id = internal
                changed.append(event)
        AttendanceEvent.objects.bulk_update(changed, ["internal_user_id"])


def _internal_user_id(payload) -> str:
    """``data.attributes.user["internal-user-id"]`` of a bbb-webhooks event, or ""."""
    for key in ("data", "attributes", "user"):
        payload = payload.get(key) if isinstance(payload, dict) else None
    internal = payload.get("internal-user-id") if isinstance(payload, dict) else None
    return "" if internal in (None, "") else str(internal)[:100]


class Migration(migrations.Migration):
    dependencies = [
        ("training_sessions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendanceevent",
            name="internal_user_id",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(copy_internal_user_ids, migrations.RunPython.noop),
    ]
