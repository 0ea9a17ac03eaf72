"""The tracking endpoints: same-site only, rate limited, and never in the way of the page."""

import pytest
from django.core.cache import cache
from django.test import Client

from insights.ingest import hits_drain
from insights.models import Event, Visitor
from tests.factories import BillPaymentServiceFactory, ProductFactory, StaffFactory, manager_with_page

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47"


@pytest.fixture
def phone(bank):
    cache.clear()
    return Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER)


def test_tracking_from_another_site_is_refused(phone):
    manager = StaffFactory()
    response = phone.post(f"/s/{manager.code}/t", {"e": "1"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_tracking_from_the_page_itself_is_accepted(phone):
    manager = StaffFactory()
    response = phone.post(f"/s/{manager.code}/t", {"e": "1"}, headers={"Origin": "http://testbank.localhost"})
    assert response.status_code == 200


def test_tracking_an_unknown_code_records_nothing(phone):
    phone.post("/s/zzzzzzzz/t", {"e": "1"})
    assert hits_drain().dropped == 1
    assert not Event.objects.exists() and not Visitor.objects.exists()


def test_a_flood_of_newcomers_from_one_network_counts_as_a_bot(phone, settings):
    settings.TRACK_NEWCOMERS_PER_MINUTE = 3
    manager = StaffFactory()
    for _ in range(5):
        phone.cookies.clear()  # each request a cookie-less newcomer from the same address
        assert phone.post(f"/s/{manager.code}/t?e=1").status_code == 200
    hits_drain()
    assert Visitor.objects.filter(is_bot=False).count() == 3
    assert Visitor.objects.filter(is_bot=True).count() == 2
    assert Event.objects.filter(kind="scan", is_bot=False).count() == 3


def test_a_returning_visitor_is_never_counted_as_a_flood(phone, settings):
    settings.TRACK_NEWCOMERS_PER_MINUTE = 1
    manager = StaffFactory()
    for _ in range(4):
        phone.post(f"/s/{manager.code}/t?e=0")
    hits_drain()
    assert Visitor.objects.get().is_bot is False
    assert Event.objects.filter(kind="page_view", is_bot=False).count() == 4


def test_share_is_recorded_for_the_visitor(phone):
    manager = StaffFactory()
    phone.post(f"/s/{manager.code}/t", {"e": "1"})
    hits_drain()
    assert phone.post(f"/s/{manager.code}/t/share", {"via": "copy"}).status_code == 204
    share = Event.objects.get(kind="share")
    assert share.visitor == Visitor.objects.get() and share.staff == manager and share.data == {"via": "copy"}


def test_product_and_bill_clicks_are_recorded_and_redirected(phone):
    manager = StaffFactory()
    product, bill = ProductFactory(), BillPaymentServiceFactory()
    phone.post(f"/s/{manager.code}/t", {"e": "1"})
    hits_drain()
    response = phone.get(f"/s/{manager.code}/go/product/{product.pk}")
    assert response.status_code == 302 and response["Location"] == product.link_url
    phone.get(f"/s/{manager.code}/go/bill/{bill.pk}")
    clicks = Event.objects.filter(kind__in=["product_click", "payment_click"]).order_by("id")
    assert [(e.kind, e.object_id, e.staff_id) for e in clicks] == [
        ("product_click", str(product.pk), manager.pk),
        ("payment_click", str(bill.pk), manager.pk),
    ]
    assert clicks[0].data == {"category": "deposit"}


def test_a_failing_tracker_does_not_break_the_redirect(phone, monkeypatch):
    manager = StaffFactory()
    product = ProductFactory()

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("insights.models.Event.objects.create", broken)
    response = phone.get(f"/s/{manager.code}/go/product/{product.pk}")
    assert response.status_code == 302


def test_the_page_asks_for_tracking_but_stays_the_same_for_everyone(phone, bank):
    manager = manager_with_page()
    first = phone.get(f"/s/{manager.code}")
    other = Client(HTTP_HOST="testbank.localhost").get(f"/s/{manager.code}")
    assert first.content == other.content
    assert b'page + "/t?"' in first.content  # the page makes the tracking request itself
    assert "Set-Cookie" not in first.headers


def test_the_builder_preview_does_not_track(bank, bank_client):
    manager = manager_with_page()
    bank_client.force_login(manager.user)
    preview = bank_client.get("/workspace/page/preview/")
    assert b"/t/share" not in preview.content


def test_a_visitor_counted_as_a_bot_who_comes_back_is_still_recorded(phone, settings):
    settings.TRACK_NEWCOMERS_PER_MINUTE = 1
    manager = StaffFactory()
    Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER).post(f"/s/{manager.code}/t?e=1")
    phone.post(f"/s/{manager.code}/t?e=1")  # the second newcomer from this network: a bot's
    hits_drain()
    phone.post(f"/s/{manager.code}/t?e=1")  # and it comes back with its cookie
    assert hits_drain().dropped == 0
    flagged = Visitor.objects.get(is_bot=True)
    assert flagged.visits == 2
    assert Event.objects.filter(visitor=flagged, is_bot=True).count() == 4


def test_one_bad_hit_is_dropped_without_stopping_the_others(phone, monkeypatch):
    from insights import ingest

    manager = StaffFactory()
    phone.post(f"/s/{manager.code}/t?e=1")
    Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER).post(f"/s/{manager.code}/t?e=1")
    real_apply, poisoned = ingest._apply, []

    def first_one_breaks(hit, *args):
        poisoned[:] = poisoned or [hit[0]]  # the first hit seen always fails
        if hit[0] == poisoned[0]:
            raise RuntimeError("unforeseen data")
        return real_apply(hit, *args)

    monkeypatch.setattr(ingest, "_apply", first_one_breaks)
    result = hits_drain()
    assert (result.hits, result.dropped) == (2, 1)
    assert Visitor.objects.count() == 1
    assert not hits_drain().hits  # nothing left behind to fail again
