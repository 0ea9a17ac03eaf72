"""Head office keeps the consent statement and the lead webhook in /cms/."""

import pytest
from django.urls import reverse

from customers.models import ConsentStatement, NotificationSettings
from customers.services import consent_current
from tests.factories import StaffFactory


@pytest.fixture
def hq(bank):
    return StaffFactory(role="hq_admin")


def test_editing_the_consent_statement_publishes_a_new_version(bank_client, hq, consent):
    bank_client.force_login(hq.user)
    url = reverse("wagtailsnippets_customers_consentstatement:edit", args=[consent.pk])
    assert bank_client.get(url).status_code == 200
    response = bank_client.post(url, {"text": "第二版同意书"})
    assert response.status_code == 302
    current = consent_current()
    assert (current.version, current.text, current.created_by) == (consent.version + 1, "第二版同意书", hq)
    assert ConsentStatement.objects.get(pk=consent.pk).text == consent.text


def test_head_office_sets_the_webhook_and_only_https_is_accepted(bank_client, hq):
    bank_client.force_login(hq.user)
    url = reverse("wagtailsettings:edit", args=["customers", "notificationsettings", NotificationSettings.load().pk])
    assert bank_client.post(url, {"webhook_url": "http://insecure.example.com/hook"}).status_code == 200
    assert NotificationSettings.load().webhook_url == ""
    assert bank_client.post(url, {"webhook_url": "https://oapi.dingtalk.com/robot/send?x=1"}).status_code == 302
    assert NotificationSettings.load().webhook_url == "https://oapi.dingtalk.com/robot/send?x=1"


def test_a_manager_cannot_reach_the_consent_statement(bank_client, manager):
    bank_client.force_login(manager.user)
    url = reverse("wagtailsnippets_customers_consentstatement:list")
    assert bank_client.get(url).status_code in (302, 403)


def test_adding_a_statement_starts_from_the_current_text(bank_client, hq, consent):
    bank_client.force_login(hq.user)
    url = reverse("wagtailsnippets_customers_consentstatement:add")
    assert consent.text.splitlines()[0] in bank_client.get(url).content.decode()
    assert bank_client.post(url, {"text": "  "}).status_code == 200  # empty: refused, nothing saved
    assert consent_current() == consent
