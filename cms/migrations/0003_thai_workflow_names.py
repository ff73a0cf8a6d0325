"""Wagtail's default workflow, its task and the root nodes in Thai.

Wagtail creates the workflow and task as "Moderators approval" (every trainer's page editor
then offered "ส่งไปยัง Moderators approval") and the root page and root collection as "Root"
(the admin's explorer, breadcrumbs and collection lists showed it). Names DLA has changed
are left alone.
"""

from django.db import migrations

WORKFLOW = ("Moderators approval", "ผู้ตรวจทาน")
ROOT_PAGE = ("Root", "หน้าราก")
ROOT_COLLECTION = ("Root", "คลังหลัก")


def rename(apps, old, new):
    for model in ("Workflow", "Task"):
        apps.get_model("wagtailcore", model).objects.filter(name=old[0]).update(name=new[0])
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title=old[1]).update(
        title=new[1], draft_title=new[1]
    )
    apps.get_model("wagtailcore", "Collection").objects.filter(depth=1, name=old[2]).update(
        name=new[2]
    )


WAGTAIL_NAMES = (WORKFLOW[0], ROOT_PAGE[0], ROOT_COLLECTION[0])
THAI_NAMES = (WORKFLOW[1], ROOT_PAGE[1], ROOT_COLLECTION[1])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_english_locale"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, editor: rename(apps, WAGTAIL_NAMES, THAI_NAMES),
            lambda apps, editor: rename(apps, THAI_NAMES, WAGTAIL_NAMES),
        )
    ]
