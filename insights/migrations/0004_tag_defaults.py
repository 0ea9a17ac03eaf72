"""Every bank starts with one bank-wide rule tag (理财意向: clicked wealth products at least 3 times
in 30 days), and head office may manage bank-wide tags and rules in /cms/.

Runs in the template schema, so every cloned bank starts with the same."""

import importlib

from django.db import migrations

TAG_CODENAMES = [f"{action}_{model}" for action in ("add", "change", "delete", "view") for model in ("tag", "tagrule")]


def forwards(apps, schema_editor):
    Tag = apps.get_model("insights", "Tag")
    TagRule = apps.get_model("insights", "TagRule")
    tag, created = Tag.objects.get_or_create(name="理财意向", owner=None, defaults={"kind": "rule", "colour": "orange"})
    if created:
        TagRule.objects.create(tag=tag, kind="product_click", category="wealth", threshold=3, window_days=30)
    grant = importlib.import_module("cms.migrations.0002_defaults").grant
    grant(apps, "head_office", ["insights"], TAG_CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0003_tags"),
        ("cms", "0002_defaults"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
