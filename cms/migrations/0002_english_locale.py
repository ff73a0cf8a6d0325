from django.db import migrations


def create_locales(apps, schema_editor):
    # Thai is the default locale (LANGUAGE_CODE); English is there from the start.
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in ("th", "en"):
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
