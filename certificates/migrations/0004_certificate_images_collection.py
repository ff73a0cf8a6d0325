"""Certificate images live in a collection only DLA administrators may change.

Wagtail gave its Editors and Moderators groups (our trainers) "add" and "change" on the root
collection, which every collection inherits: any trainer could replace the signatures and
logos printed on certificates. Now:

- "ภาพบนเกียรติบัตร" (certificate images): images only; "DLA administrators" (and
  superusers) add, change, delete and choose there. Every image a certificate template
  uses is moved in.
- "ภาพและเอกสารทั่วไป" (shared images and documents): where Editors and Moderators now add
  and change images and documents.
- Root: Editors and Moderators keep "choose" only, so every existing image and document can
  still be put on a page; changing the ones already in Root is for DLA administrators.
"""

from django.db import migrations
from django.db.models import F

CERTIFICATE_IMAGES = "ภาพบนเกียรติบัตร"
SHARED = "ภาพและเอกสารทั่วไป"
TRAINER_GROUPS = ["Editors", "Moderators"]
DLA_GROUP = "DLA administrators"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path digits


def _child(Collection, root, name):
    found = Collection.objects.filter(name=name, depth=root.depth + 1).first()
    if found is not None:
        return found
    last = (
        Collection.objects.filter(depth=root.depth + 1, path__startswith=root.path)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = 0
    for char in (last or root.path + "0000")[-4:]:
        number = number * 36 + ALPHABET.index(char)
    step, number = "", number + 1
    for _position in range(4):
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    child = Collection.objects.create(
        name=name, depth=root.depth + 1, path=root.path + step, numchild=0
    )
    Collection.objects.filter(pk=root.pk).update(numchild=F("numchild") + 1)
    return child


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"},
    )
    return permission


def _image_ids(template):
    ids = {template.background_id}
    for stream, key in ((template.agencies, "logo"), (template.signatories, "signature")):
        for item in getattr(stream, "raw_data", None) or []:
            ids.add((item.get("value") or {}).get(key))
    return {value for value in ids if isinstance(value, int)}


def forwards(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Image = apps.get_model("wagtailimages", "Image")
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")

    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    certificates = _child(Collection, root, CERTIFICATE_IMAGES)
    shared = _child(Collection, root, SHARED)

    actions = {"image": ["add", "change", "choose"], "document": ["add", "change", "choose"]}
    apps_of = {"image": "wagtailimages", "document": "wagtaildocs"}
    trainer_groups = list(Group.objects.filter(name__in=TRAINER_GROUPS))
    for model, codenames in actions.items():
        for action in codenames:
            permission = _permission(apps, apps_of[model], model, f"{action}_{model}")
            for group in trainer_groups:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=shared, permission=permission
                )
                if action != "choose":
                    GroupCollectionPermission.objects.filter(
                        group=group, collection=root, permission=permission
                    ).delete()
                else:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root, permission=permission
                    )

    dla, _created = Group.objects.get_or_create(name=DLA_GROUP)
    for action in ("add", "change", "choose", "delete"):
        GroupCollectionPermission.objects.get_or_create(
            group=dla,
            collection=certificates,
            permission=_permission(apps, "wagtailimages", "image", f"{action}_image"),
        )

    used = set()
    for template in CertificateTemplate.objects.all():
        used |= _image_ids(template)
    Image.objects.filter(pk__in=used).update(collection=certificates)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_pinned_images"),
        ("accounts", "0004_dla_administrators_group"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
