"""Head office approves managers' pages: approving the last workflow task publishes the page as the
approver (Wagtail checks `publish_storefront`), so head office needs that permission.

Wagtail creates `publish_<model>` in a post_migrate handler, after every migration has run, so 0002
could not grant it; it is created here with the name Wagtail gives it.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label="storefront", model="storefront")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename="publish_storefront", defaults={"name": "Can publish storefront"}
    )
    group, _created = Group.objects.get_or_create(name="head_office")
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("storefront", "0002_approval_workflow")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
