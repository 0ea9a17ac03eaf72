"""Head office manages appointment settings in /cms/; every bank starts with common service types.

Runs in the template schema, so every cloned bank starts with the same."""

from django.db import migrations

SERVICE_TYPES = [
    # name, description, notice hours, slot minutes
    ("大额取现", "5万元以上现金取款，需提前一天预约备款。", 24, 30),
    ("开户办卡", "个人账户开立、借记卡办理，请携带本人有效身份证件。", 0, 30),
    ("理财咨询", "与理财经理面谈，了解适合您的产品。", 2, 60),
]


def grant(apps, group_name, app_labels):
    # As cms/migrations/0002_defaults.py: the permissions exist only after post_migrate otherwise.
    from django.contrib.auth.management import create_permissions

    for label in app_labels:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=app_labels))


def forwards(apps, schema_editor):
    grant(apps, "head_office", ["appointments"])
    ServiceType = apps.get_model("appointments", "ServiceType")
    if not ServiceType.objects.exists():
        for order, (name, description, notice_hours, slot_minutes) in enumerate(SERVICE_TYPES):
            ServiceType.objects.create(
                name=name,
                description=description,
                notice_hours=notice_hours,
                slot_minutes=slot_minutes,
                sort_order=order,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
