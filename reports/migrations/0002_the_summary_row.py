from django.db import migrations


def create_summary_row(apps, schema_editor):
    # The one row the recount requests flag (refreshed_at stays empty until the first
    # recount; the page counts live until then).
    apps.get_model("reports", "RoundSummary").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(create_summary_row, migrations.RunPython.noop)]
