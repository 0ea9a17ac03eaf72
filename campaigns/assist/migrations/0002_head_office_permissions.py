"""Head office edits friend-assist setups (and uploads their code pools) in /cms/."""

from django.db import migrations


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("campaigns_assist")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="head_office")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaigns_assist",
            codename__in=["add_assistsetup", "change_assistsetup", "view_assistsetup"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns_assist", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
