"""Telling a manager about a new lead: in the workspace, by email, and on the bank's webhook.

All of it runs after the lead is committed (`transaction.on_commit`), and each channel fails on its
own: the lead is already safe, so a broken mail server or webhook only leaves a log line (and, for
the webhook, a `WebhookDelivery` that is retried with backoff up to `WEBHOOK_ATTEMPTS_MAX` times).
Nothing sent outside the workspace carries a full mobile number or name.
"""

import json
import logging
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import Lead, Notification, NotificationSettings, WebhookDelivery

logger = logging.getLogger(__name__)

WEBHOOK_ATTEMPTS_MAX = 5
WEBHOOK_TIMEOUT_SECONDS = 5
WEBHOOK_FIRST_RETRY_SECONDS = 30


def lead_notify(*, lead: Lead, lead_url: str, created: bool) -> None:
    schema_name = connection.schema_name
    try:
        Notification.objects.create(staff_id=lead.staff_id, lead=lead)
    except Exception:
        logger.exception("lead notification failed: lead=%s", lead.pk)
    if not created:
        # The same customer again within a day (`lead_submit` updated their open lead): the lead
        # shows as unread again, but mail and the work chat are not flooded by repeat presses.
        return
    try:
        if lead.staff.user.email:
            from customers.tasks import lead_email_send

            lead_email_send.enqueue(schema_name=schema_name, lead_id=lead.pk, lead_url=lead_url)
    except Exception:
        logger.exception("lead email could not be queued: lead=%s", lead.pk)
    try:
        url = NotificationSettings.load().webhook_url
        if url:
            delivery = WebhookDelivery.objects.create(lead=lead, url=url, payload=webhook_payload(lead, lead_url))
            webhook_schedule(schema_name=schema_name, delivery=delivery, at=None)
    except Exception:
        logger.exception("lead webhook could not be queued: lead=%s", lead.pk)


def _summary(lead: Lead) -> str:
    parts = [lead.name_masked, lead.mobile_masked]
    if lead.product_id:
        parts.append(lead.product.name)
    return " · ".join(parts)


def lead_email(*, lead: Lead, lead_url: str) -> None:
    """One email to the manager (in the bank's default language), if their login has an address."""
    to = lead.staff.user.email
    if not to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New lead: %(summary)s") % {"summary": _summary(lead)}
        body = _("A customer left their details on your storefront.\n\n%(summary)s\n\nOpen it: %(url)s") % {
            "summary": _summary(lead),
            "url": lead_url,
        }
    send_mail(subject, body, None, [to])


def webhook_payload(lead: Lead, lead_url: str) -> dict:
    """The WeCom/DingTalk group-robot text message format; masked identity only."""
    with translation.override(settings.LANGUAGE_CODE):
        content = _("New lead for %(manager)s: %(summary)s %(url)s") % {
            "manager": lead.staff.name,
            "summary": _summary(lead),
            "url": lead_url,
        }
    return {"msgtype": "text", "text": {"content": content.strip()}}


def webhook_post(url: str, payload: dict) -> None:
    """POST the payload as JSON; raises on a network error or an answer other than 2xx."""
    if not url.startswith("https://"):  # urllib would also open file:// and ftp:// addresses
        raise ValueError("webhook URL must be https")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")


def webhook_retry_delay(attempts: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min after the 1st, 2nd, 3rd and 4th failure."""
    return timedelta(seconds=WEBHOOK_FIRST_RETRY_SECONDS * 4 ** (attempts - 1))


def webhook_schedule(*, schema_name: str, delivery: WebhookDelivery, at) -> None:
    from customers.tasks import webhook_deliver

    task = webhook_deliver
    # A backend that cannot defer (the immediate one, in tests) simply retries at once.
    if at is not None and task.get_backend().supports_defer:
        task = task.using(run_after=at)
    task.enqueue(schema_name=schema_name, delivery_id=delivery.pk)


def webhook_deliver_now(*, schema_name: str, delivery_id: int) -> None:
    """One attempt (the task's body, in the bank's schema)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, delivered_at__isnull=True, attempts__lt=WEBHOOK_ATTEMPTS_MAX)
            .first()
        )
        if delivery is None:
            return  # delivered, given up on, or another worker has it
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    try:
        webhook_post(delivery.url, delivery.payload)
    except Exception as exc:
        delivery.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
        if delivery.attempts < WEBHOOK_ATTEMPTS_MAX:
            delivery.next_attempt_at = timezone.now() + webhook_retry_delay(delivery.attempts)
        else:
            delivery.next_attempt_at = None
            logger.warning("webhook given up after %s attempts: delivery=%s", delivery.attempts, delivery.pk)
        delivery.save(update_fields=["last_error", "next_attempt_at"])
        if delivery.next_attempt_at is not None:
            webhook_schedule(schema_name=schema_name, delivery=delivery, at=delivery.next_attempt_at)
        return
    delivery.delivered_at, delivery.next_attempt_at = timezone.now(), None
    delivery.save(update_fields=["delivered_at", "next_attempt_at"])
