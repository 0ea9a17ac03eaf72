"""Head office can publish catalog snippets and upload images and documents in /cms/.

0002 granted what Django's `create_permissions` makes, but two kinds of permission come from
elsewhere, so head office could save drafts yet not publish, and could not upload a logo or icon:
- `publish_<model>` for snippets with drafts is created by Wagtail's post_migrate handler, which runs
  only after every migration; it is created here (with the name Wagtail gives it) so it can be granted.
- Images and documents are permissioned per collection (GroupCollectionPermission), not through
  `group.permissions`; head office gets them on the root collection, i.e. on every collection.
"""

from django.db import migrations

HEAD_OFFICE = "head_office"
PUBLISHABLE = {"cms": ["product", "billpaymentservice", "article"]}
COLLECTION_PERMISSIONS = {
    "wagtailimages": ("image", ["add", "change", "choose", "delete"]),
    "wagtaildocs": ("document", ["add", "change", "choose", "delete"]),
}


def publish_permissions(apps, publishable):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for app_label, model_names in publishable.items():
        for model_name in model_names:
            content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
            verbose_name = apps.get_model(app_label, model_name)._meta.verbose_name_raw
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"publish_{model_name}",
                defaults={"name": f"Can publish {verbose_name}"},
            )
            permissions.append(permission)
    return permissions


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    group, _created = Group.objects.get_or_create(name=HEAD_OFFICE)
    group.permissions.add(*publish_permissions(apps, PUBLISHABLE))

    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for app_label, (model_name, actions) in COLLECTION_PERMISSIONS.items():
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
        for action in actions:
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model_name}",
                defaults={"name": f"Can {action} {model_name}"},
            )
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_defaults"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
