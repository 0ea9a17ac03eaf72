"""Every bank starts with its brand and compliance settings rows.

Wagtail creates a settings row lazily, the first time a request reads it. For the brand that is
the first visit to a public page: a write on a read-only path (two first visitors at once can create
two rows), and the save invalidates every cached page just as the first one is stored. Creating
the rows here, in the template schema every bank is cloned from, means pages only ever read them.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    for model_name in ("BrandSettings", "ComplianceSettings"):
        model = apps.get_model("cms", model_name)
        if not model.objects.exists():
            model.objects.create()


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_head_office_permissions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
