"""After a lead is committed: the workspace notification, the email and the webhook (retried)."""

import pytest

from customers import notifications
from customers.models import Lead, Notification, NotificationSettings, WebhookDelivery
from customers.selectors import notifications_unread_count
from customers.services import lead_submit
from tests.customers.conftest import MOBILE

HOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test"


@pytest.fixture
def webhook(bank):
    settings = NotificationSettings.load()
    settings.webhook_url = HOOK
    settings.save()
    return settings


@pytest.fixture
def posts(monkeypatch):
    """The webhook's HTTP calls, failing as many times as `posts.failures` says first."""

    class Posts(list):
        failures = 0

    calls = Posts()

    def fake_post(url, payload):
        calls.append((url, payload))
        if len(calls) <= calls.failures:
            raise OSError("connection refused")

    monkeypatch.setattr(notifications, "webhook_post", fake_post)
    return calls


def submit(manager, consent, capture):
    with capture(execute=True):
        return lead_submit(
            page_staff=manager,
            consent=consent,
            name="张三",
            mobile=MOBILE,
            lead_url_for=lambda lead: f"http://testbank.localhost/workspace/leads/{lead.pk}/",
        ).lead


def test_nothing_is_sent_before_the_lead_is_committed(manager, consent, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lead_submit(page_staff=manager, consent=consent, name="张三", mobile=MOBILE)
    assert len(callbacks) == 1
    assert not Notification.objects.exists() and not mailoutbox


def test_the_manager_gets_a_notification_and_an_email(
    bank_client, manager, consent, django_capture_on_commit_callbacks, mailoutbox
):
    manager.user.email = "chenxiao@bank.example.com"
    manager.user.save()
    lead = submit(manager, consent, django_capture_on_commit_callbacks)
    assert Notification.objects.get().staff == manager
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["chenxiao@bank.example.com"]
    assert "138****1234" in mail.body and f"/workspace/leads/{lead.pk}/" in mail.body
    assert MOBILE not in mail.body + mail.subject
    bank_client.force_login(manager.user)
    assert bank_client.get("/workspace/leads/").context["unread"] == 1
    bank_client.get(f"/workspace/leads/{lead.pk}/")
    assert bank_client.get("/workspace/leads/").context["unread"] == 0


def test_no_email_for_a_manager_without_an_address(manager, consent, django_capture_on_commit_callbacks, mailoutbox):
    submit(manager, consent, django_capture_on_commit_callbacks)
    assert not mailoutbox
    assert Notification.objects.count() == 1


def test_the_webhook_is_posted_masked(manager, consent, webhook, posts, django_capture_on_commit_callbacks):
    submit(manager, consent, django_capture_on_commit_callbacks)
    ((url, payload),) = posts
    assert url == HOOK
    assert payload["msgtype"] == "text" and "138****1234" in payload["text"]["content"]
    assert MOBILE not in str(payload) and "张三" not in str(payload)
    delivery = WebhookDelivery.objects.get()
    assert delivery.delivered_at is not None and delivery.attempts == 1


def test_a_failing_webhook_is_retried_then_delivered(
    manager, consent, webhook, posts, django_capture_on_commit_callbacks
):
    posts.failures = 2
    submit(manager, consent, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert len(posts) == 3
    assert delivery.attempts == 3 and delivery.delivered_at is not None
    assert "connection refused" in delivery.last_error


def test_a_webhook_that_never_answers_is_given_up_on_and_the_lead_is_kept(
    manager, consent, webhook, posts, django_capture_on_commit_callbacks
):
    posts.failures = 99
    submit(manager, consent, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert len(posts) == notifications.WEBHOOK_ATTEMPTS_MAX == delivery.attempts
    assert delivery.delivered_at is None and delivery.next_attempt_at is None
    assert Lead.objects.count() == 1 and Notification.objects.count() == 1


def test_retries_back_off_and_are_deferred_on_a_backend_that_can(manager, consent, webhook, monkeypatch):
    from customers import tasks

    scheduled = []

    class DeferringBackend:
        supports_defer = True

    class FakeTask:
        def using(self, run_after):
            scheduled.append(run_after)
            return self

        def enqueue(self, **kwargs):
            pass

        def get_backend(self):
            return DeferringBackend()

    monkeypatch.setattr(tasks, "webhook_deliver", FakeTask())
    monkeypatch.setattr(notifications, "webhook_post", lambda url, payload: (_ for _ in ()).throw(OSError("503")))
    delivery = WebhookDelivery.objects.create(url=HOOK, payload={})
    notifications.webhook_deliver_now(schema_name="testbank", delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and scheduled == [delivery.next_attempt_at]
    assert [notifications.webhook_retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 120, 480, 1920]


def test_a_failing_notification_never_loses_the_lead(manager, consent, django_capture_on_commit_callbacks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(Notification.objects, "create", broken)
    submit(manager, consent, django_capture_on_commit_callbacks)
    assert Lead.objects.count() == 1


def test_a_repeat_submission_marks_the_lead_unread_but_sends_nothing_more(
    manager, consent, webhook, posts, django_capture_on_commit_callbacks, mailoutbox
):
    manager.user.email = "chenxiao@bank.example.com"
    manager.user.save()
    submit(manager, consent, django_capture_on_commit_callbacks)
    submit(manager, consent, django_capture_on_commit_callbacks)
    assert Lead.objects.count() == 1
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    assert len(mailoutbox) == 1 and len(posts) == 1
    assert notifications_unread_count(staff=manager) == 1
