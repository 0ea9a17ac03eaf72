"""Who a customer belongs to: first touch, protection period, share links, reassignment, hand-over."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from insights.identity import COOKIE_NAME
from insights.ingest import hits_drain
from insights.models import AttributionSettings, Event, Source, Visitor
from org.models import AuditLog
from org.services.staff import staff_leave
from tests.factories import StaffFactory

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.47"


@pytest.fixture
def phone(bank):
    """A customer's phone: keeps its cookies between requests."""
    return Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER)


def scan(client, staff, *, entry=True, referral=""):
    """The tracking request the page makes, then the ingest that turns it into visitors and events."""
    response = client.post(f"/s/{staff.code}/t?e={1 if entry else 0}&r={referral}")
    hits_drain()
    return response


def test_first_scan_creates_a_visitor_owned_by_the_page_manager(phone):
    manager = StaffFactory()
    response = scan(phone, manager)
    assert response.status_code == 200
    visitor = Visitor.objects.get()
    assert visitor.owner == manager and visitor.first_staff == manager and visitor.source == Source.SCAN
    assert list(Event.objects.values_list("kind", "staff_id", "visitor_id").order_by("id")) == [
        ("scan", manager.pk, visitor.pk),
        ("page_view", manager.pk, visitor.pk),
    ]
    assert COOKIE_NAME in response.cookies
    assert response.json()["share"].endswith(f"/s/{manager.code}?r={visitor.share_code}")


def test_internal_navigation_is_a_page_view_not_a_scan(phone):
    manager = StaffFactory()
    scan(phone, manager)
    scan(phone, manager, entry=False)
    assert Event.objects.filter(kind="scan").count() == 1
    assert Event.objects.filter(kind="page_view").count() == 2
    assert Visitor.objects.get().visits == 1


def test_within_the_protection_period_another_managers_link_does_not_take_over(phone):
    first, second = StaffFactory(), StaffFactory()
    scan(phone, first)
    scan(phone, second)
    visitor = Visitor.objects.get()
    assert visitor.owner == first
    # The scan of the second manager's page counts for the customer's owner.
    assert Event.objects.filter(kind="scan").order_by("id").last().staff == first
    assert Event.objects.filter(kind="scan").order_by("id").last().page_staff == second


def test_after_the_protection_period_the_next_managers_link_takes_over(phone):
    first, second = StaffFactory(), StaffFactory()
    scan(phone, first)
    days = AttributionSettings.load().protection_days
    Visitor.objects.update(owned_since=timezone.now() - timedelta(days=days + 1))
    scan(phone, second)
    visitor = Visitor.objects.get()
    assert visitor.owner == second and visitor.first_staff == first
    assert Event.objects.filter(kind="scan").order_by("id").last().staff == second


def test_protection_period_is_a_bank_setting(phone):
    settings = AttributionSettings.load()
    settings.protection_days = 7
    settings.save()
    first, second = StaffFactory(), StaffFactory()
    scan(phone, first)
    Visitor.objects.update(owned_since=timezone.now() - timedelta(days=8))
    scan(phone, second)
    assert Visitor.objects.get().owner == second


def test_a_friend_arriving_through_a_share_link_belongs_to_the_sharers_manager(bank, phone):
    sharer_manager, other_manager = StaffFactory(), StaffFactory()
    share_url = scan(phone, sharer_manager).json()["share"]
    sharer = Visitor.objects.get()
    friend = Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER)
    # The friend opens the link on another manager's page that the sharer forwarded.
    scan(friend, other_manager, referral=share_url.rsplit("r=", 1)[1])
    new = Visitor.objects.exclude(pk=sharer.pk).get()
    assert new.owner == sharer_manager
    assert new.referrer == sharer
    assert new.source == Source.SHARE


def test_an_unknown_share_code_is_ignored(phone):
    manager = StaffFactory()
    scan(phone, manager, referral="doesnotexist")
    visitor = Visitor.objects.get()
    assert visitor.referrer is None and visitor.source == Source.SCAN and visitor.owner == manager


def test_a_tampered_cookie_is_ignored(phone):
    manager = StaffFactory()
    scan(phone, manager)
    real = Visitor.objects.get()
    phone.cookies[COOKIE_NAME] = f"{real.token}.{real.share_code}"  # unsigned: forged
    scan(phone, manager)
    phone.cookies[COOKIE_NAME] = signing.get_cookie_signer(salt="wrong").sign(f"{real.token}.{real.share_code}")
    scan(phone, manager)
    assert Visitor.objects.count() == 3
    assert Visitor.objects.get(pk=real.pk).visits == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0)",
        "facebookexternalhit/1.1",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
        "curl/8.0.1",
        "UptimeRobot/2.0",
        "",
    ],
)
def test_bots_are_recorded_as_bots_and_get_no_visitor(bank, user_agent):
    manager = StaffFactory()
    client = Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=user_agent)
    response = scan(client, manager)
    assert response.status_code == 200
    assert COOKIE_NAME not in response.cookies
    assert not Visitor.objects.exists()
    assert Event.objects.count() == 2
    assert not Event.objects.filter(is_bot=False).exists()


def test_people_in_wechat_and_phone_browsers_are_not_bots():
    from insights.bots import is_bot

    for agent in (
        BROWSER,
        "Mozilla/5.0 (Linux; Android 14; V2301A) AppleWebKit/537.36 Chrome/116.0 Mobile Safari/537.36 XWEB/1160065",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari/604.1",
    ):
        assert not is_bot(agent)


def test_head_office_reassigns_a_customer_and_it_is_audited(bank, bank_client, phone):
    manager, colleague, hq = StaffFactory(), StaffFactory(), StaffFactory(role="hq_admin")
    scan(phone, manager)
    visitor = Visitor.objects.get()
    bank_client.force_login(hq.user)
    response = bank_client.post(f"/workspace/customers/{visitor.pk}/", {"employee_no": colleague.employee_no})
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert visitor.owner == colleague
    entry = AuditLog.objects.get(action="customer.reassign")
    assert entry.actor == hq and entry.detail == {"from": manager.pk, "to": colleague.pk}


def test_a_manager_cannot_reassign(bank, bank_client, phone):
    manager, colleague = StaffFactory(), StaffFactory()
    scan(phone, manager)
    visitor = Visitor.objects.get()
    bank_client.force_login(manager.user)
    response = bank_client.post(f"/workspace/customers/{visitor.pk}/", {"employee_no": colleague.employee_no})
    assert response.status_code == 403
    assert Visitor.objects.get().owner == manager


def test_when_a_manager_leaves_their_customers_and_link_pass_to_the_successor(bank, phone):
    leaving, successor, hq = StaffFactory(), StaffFactory(), StaffFactory(role="hq_admin")
    scan(phone, leaving)
    staff_leave(staff=leaving, successor=successor, actor=hq)
    assert Visitor.objects.get().owner == successor
    assert AuditLog.objects.filter(action="customer.hand_over", detail__customers=1).exists()
    # A new customer scanning the old poster belongs to the successor.
    newcomer = Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER)
    scan(newcomer, leaving)
    assert Visitor.objects.order_by("id").last().owner == successor
