"""Head office edits campaigns in /cms/ (managers never reach /cms/: they opt in and share from the
workspace). Runs in the template schema, so every cloned bank starts with the same."""

import importlib

from django.db import migrations

CODENAMES = [f"{action}_campaign" for action in ("add", "change", "delete", "view")]


def forwards(apps, schema_editor):
    grant = importlib.import_module("cms.migrations.0002_defaults").grant
    grant(apps, "head_office", ["campaigns"], CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_campaign_details_opt_in_quota"),
        ("cms", "0002_defaults"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
