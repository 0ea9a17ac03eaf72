"""Head office approves managers' own text: a one-step workflow assigned to storefronts."""

from django.db import migrations



def create_workflow(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("storefront")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    group, _created = Group.objects.get_or_create(name="head_office")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="storefront"))
    content_type, _created = ContentType.objects.get_or_create(app_label="storefront", model="storefront")
    if WorkflowContentType.objects.filter(content_type=content_type).exists():
        return
    task_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name="总行审核", content_type=task_type, active=True)
    task.groups.add(group)
    workflow = Workflow.objects.create(name="客户经理页面审核", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.create(content_type=content_type, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0001_initial"),
        ("cms", "0002_defaults"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
