"""Background work of the customers app. Tasks lose the request's bank: the schema travels along."""

from django_tasks import task
from django_tenants.utils import schema_context

from customers import notifications
from customers.models import Lead


@task(backend="background")
def lead_email_send(*, schema_name: str, lead_id: int, lead_url: str) -> None:
    with schema_context(schema_name):
        lead = Lead.objects.select_related("staff__user", "product").filter(pk=lead_id).first()
        if lead is not None:
            notifications.lead_email(lead=lead, lead_url=lead_url)


@task(backend="background")
def webhook_deliver(*, schema_name: str, delivery_id: int) -> None:
    with schema_context(schema_name):
        notifications.webhook_deliver_now(schema_name=schema_name, delivery_id=delivery_id)
