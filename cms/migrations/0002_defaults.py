"""Every bank starts with a default storefront template and head office's permissions.

Runs in the template schema, so every cloned bank starts with the same.
"""

import uuid

from django.db import migrations

DISCLOSURE = (
    "<p>理财非存款、产品有风险、投资须谨慎。本页面所示产品信息仅供参考，"
    "以本行官方渠道公布的产品说明书为准。</p>"
)


def _block(kind, value):
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def grant(apps, group_name, app_labels, codenames=None):
    from django.contrib.auth.management import create_permissions

    for label in app_labels:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    permissions = Permission.objects.filter(content_type__app_label__in=app_labels)
    if codenames is not None:
        permissions = permissions.filter(codename__in=codenames)
    group.permissions.add(*permissions)


def forwards(apps, schema_editor):
    StorefrontTemplate = apps.get_model("cms", "StorefrontTemplate")
    if not StorefrontTemplate.objects.exists():
        StorefrontTemplate.objects.create(
            name="标准模板",
            is_default=True,
            locked_top=[],
            starter=[
                _block("contact_card", {"show_wechat": True, "show_address": True}),
                _block("product_shelf", {"title": "存款产品", "mode": "category", "products": [], "category": "deposit"}),
                _block("product_shelf", {"title": "理财产品", "mode": "category", "products": [], "category": "wealth"}),
                _block("bill_payments", {"title": "生活缴费", "services": []}),
                _block("articles", {"title": "财经资讯", "kind": "all", "count": 3}),
            ],
            locked_bottom=[_block("disclosure", {"text": DISCLOSURE})],
        )
    # Head office runs the catalog, images and documents in /cms/.
    grant(apps, "head_office", ["cms", "wagtailimages", "wagtaildocs"])
    grant(apps, "head_office", ["wagtailadmin"], ["access_admin"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
