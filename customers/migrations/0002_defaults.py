"""Every bank starts with a consent statement (version 1), its lead-notification settings row, and
head office's permission to change both in /cms/. Runs in the template schema every bank is cloned
from."""

from django.db import migrations

CONSENT_TEXT = (
    "为便于客户经理与您联系并提供您咨询的金融服务，本行将收集您主动填写的姓名、手机号码及留言信息。"
    "上述信息将加密存储，仅用于本次服务联系及相关业务办理，不会用于其他目的，也不会向第三方提供，"
    "法律法规另有规定的除外。\n"
    "本行依据《中华人民共和国个人信息保护法》及相关规定处理您的个人信息。"
    "您可随时联系您的客户经理或拨打本行客服热线，查询、更正或删除您的信息，或撤回本次同意。\n"
    "勾选“同意”即表示您已阅读并同意上述内容。"
)


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    ConsentStatement = apps.get_model("customers", "ConsentStatement")
    NotificationSettings = apps.get_model("customers", "NotificationSettings")
    if not ConsentStatement.objects.exists():
        ConsentStatement.objects.create(version=1, text=CONSENT_TEXT)
    if not NotificationSettings.objects.exists():
        NotificationSettings.objects.create()
    config = apps.get_app_config("customers")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="head_office")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="customers",
            codename__in=[
                "add_consentstatement",
                "change_consentstatement",
                "view_consentstatement",
                "change_notificationsettings",
                "view_notificationsettings",
            ],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
