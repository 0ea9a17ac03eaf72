"""Share-poster settings: which built-in poster templates staff may use, and the default.

The settings row is created here (as 0004 does for the brand), so poster requests only ever read it,
and head office may change it in /cms/ (permissions of a new model are not granted by 0002).
"""

import cms.fields
import cms.models
from django.db import migrations, models


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    PosterSettings = apps.get_model("cms", "PosterSettings")
    if not PosterSettings.objects.exists():
        PosterSettings.objects.create()
    config = apps.get_app_config("cms")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="head_office")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="cms", codename__in=["view_postersettings", "change_postersettings"]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0004_settings_rows'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='PosterSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enabled_templates', cms.fields.ChoiceArrayField(base_field=models.CharField(choices=[('classic', 'Classic'), ('minimal', 'Minimal'), ('festive', 'Festive')], max_length=20), default=cms.models.poster_templates_all, size=None, verbose_name='poster templates staff may use')),
                ('default_template', models.CharField(choices=[('classic', 'Classic'), ('minimal', 'Minimal'), ('festive', 'Festive')], default='classic', max_length=20, verbose_name='default poster template')),
            ],
            options={
                'verbose_name': 'share posters',
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
