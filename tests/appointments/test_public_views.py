"""The customer's booking pages: choosing a slot, booking, the private link, bad input and abuse."""

from datetime import UTC, timedelta

import pytest
from django.test import Client

from appointments.models import Booking, Slot
from appointments.services import booking_create
from appointments.views import public as public_views
from customers import pii
from customers.models import ConsentStatement
from customers.services import consent_current, consent_statement_publish
from insights.identity import visitor_cookie_sign
from tests.appointments.conftest import tomorrow_at
from tests.factories import BranchFactory

HOST = "testbank.localhost"


def slot_value(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def form(branch, service, /, **overrides):
    return {
        "branch": branch.pk,
        "service": service.pk,
        "start": slot_value(tomorrow_at(10)),
        "name": "张三",
        "mobile": "13912345678",
        "consent": "on",
        "consent_version": consent_current().version,
        "website": "",
        **overrides,
    }


def test_the_booking_page_is_not_cached_and_carries_a_csrf_token(manager, service, bank):
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    response = client.get(f"/p/book/{manager.code}/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert b"csrfmiddlewaretoken" in response.content
    assert response.context["choice"]["branch"] == manager.branch


def test_a_post_without_the_csrf_token_is_refused(manager, service, bank):
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    response = client.post(f"/p/book/{manager.code}/", form(manager.branch, service))
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_an_unknown_code_is_not_found(bank_client, bank):
    assert bank_client.get("/p/book/nosuchcode/").status_code == 404


def test_days_and_times_come_as_an_htmx_partial(manager, service, bank_client):
    day = tomorrow_at(10).date()
    url = f"/p/book/{manager.code}/?branch={manager.branch.pk}&service={service.pk}&day={day:%Y-%m-%d}"
    response = bank_client.get(url, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="slots">') and "<html" not in content
    assert f'value="{slot_value(tomorrow_at(10))}"' in content
    full_page = bank_client.get(url).content.decode()
    assert "<html" in full_page and f'value="{slot_value(tomorrow_at(10))}"' in full_page


def test_another_branch_can_be_chosen(manager, service, bank_client):
    from tests.appointments.conftest import open_every_day

    elsewhere = open_every_day(BranchFactory(name="青山湖支行"))
    response = bank_client.get(f"/p/book/{manager.code}/?branch={elsewhere.pk}&service={service.pk}")
    assert response.context["choice"]["branch"] == elsewhere
    assert "青山湖支行" in response.content.decode()


def test_booking_journey_confirmation_private_link_calendar_and_cancel(manager, service, bank_client):
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/p/booking/{booking.token}/"
    page = bank_client.get(response["Location"])
    assert page.status_code == 200
    assert booking.code in page.content.decode() and "139****5678" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in page["Cache-Control"]

    ics = bank_client.get(f"/p/booking/{booking.token}/booking.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    start_utc = tomorrow_at(10).astimezone(UTC)
    assert f"DTSTART:{start_utc:%Y%m%dT%H%M%S}Z" in text
    assert f"DTEND:{start_utc + timedelta(minutes=30):%Y%m%dT%H%M%S}Z" in text
    assert f"UID:booking-{booking.code}@{HOST}" in text
    assert "SUMMARY:测试业务 · 八一支行" in text
    assert "LOCATION:八一支行，南昌市东湖区八一大道1号" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")

    cancelled = bank_client.post(f"/p/booking/{booking.token}/cancel/")
    assert cancelled.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.slot.booked == 0
    assert bank_client.post(f"/p/booking/{booking.token}/cancel/").status_code == 409


def test_the_private_link_moves_the_booking(manager, service, bank_client):
    bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service))
    booking = Booking.objects.get()
    url = f"/p/booking/{booking.token}/reschedule/"
    assert (
        f'value="{slot_value(tomorrow_at(15))}"'
        in bank_client.get(f"{url}?day={tomorrow_at(15):%Y-%m-%d}").content.decode()
    )
    response = bank_client.post(url, {"start": slot_value(tomorrow_at(15))})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == tomorrow_at(15)
    assert Slot.objects.get(start=tomorrow_at(10), service=service).booked == 0


def test_moving_to_a_full_slot_says_so(manager, service, bank_client):
    bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service))
    booking = Booking.objects.get()
    for _ in range(2):
        booking_create(
            branch=manager.branch,
            service=service,
            start=tomorrow_at(15),
            name="李四",
            mobile="13800000000",
            consent=True,
        )
    response = bank_client.post(f"/p/booking/{booking.token}/reschedule/", {"start": slot_value(tomorrow_at(15))})
    assert response.status_code == 409
    assert "约满" in response.content.decode()
    booking.refresh_from_db()
    assert booking.starts_at == tomorrow_at(10)


def test_an_unknown_private_link_is_not_found(bank_client, bank):
    assert bank_client.get("/p/booking/not-a-real-token/").status_code == 404
    assert bank_client.get("/p/booking/not-a-real-token/booking.ics").status_code == 404
    assert bank_client.post("/p/booking/not-a-real-token/cancel/").status_code == 404


def test_another_bank_cannot_open_the_booking(manager, service, bank_client, other_client):
    bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service))
    token = Booking.objects.get().token
    assert other_client.get(f"/p/booking/{token}/").status_code == 404
    assert other_client.get(f"/p/book/{manager.code}/").status_code == 404


def test_a_full_slot_is_answered_clearly_in_the_customers_language(manager, service, bank_client):
    for _ in range(2):
        booking_create(
            branch=manager.branch,
            service=service,
            start=tomorrow_at(10),
            name="李四",
            mobile="13800000000",
            consent=True,
        )
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service))
    assert response.status_code == 409
    assert "该时段刚刚约满" in response.content.decode()
    english = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 409
    assert "fully booked" in english.content.decode()
    assert Booking.objects.count() == 2


def test_consent_is_required(manager, service, bank_client):
    data = form(manager.branch, service)
    del data["consent"]
    response = bank_client.post(f"/p/book/{manager.code}/", data)
    assert response.status_code == 400
    assert not Booking.objects.exists() and not Slot.objects.exists()


@pytest.mark.parametrize("mobile", ["12345", "12812345678", "139123456789", "1391234567a", "+1 415 555 0100", ""])
def test_wrong_phone_numbers_are_refused(manager, service, bank_client, mobile):
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service, mobile=mobile))
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_script_tags_are_escaped_when_shown_again(manager, service, bank_client):
    script = "<script>alert(1)</script>"
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service, name=script, mobile="1"))
    content = response.content.decode()
    assert response.status_code == 400
    assert script not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_sql_looking_input_is_stored_as_plain_text(manager, service, bank_client):
    name = "R'); DROP TABLE x;--"
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service, name=name))
    assert response.status_code == 302
    assert pii.decrypt(Booking.objects.get().name_encrypted) == name


@pytest.mark.parametrize("field", ["name", "mobile", "start", "branch"])
def test_very_long_input_is_refused(manager, service, bank_client, field):
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service, **{field: "9" * 5000}))
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_a_filled_honeypot_books_nothing(manager, service, bank_client):
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service, website="http://spam"))
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_too_many_bookings_from_one_network_get_a_429(manager, service, bank_client, monkeypatch):
    monkeypatch.setattr(public_views, "BOOKINGS_PER_NETWORK_HOUR", 2)
    for _ in range(2):
        assert (
            bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service, mobile="1")).status_code == 400
        )
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service))
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    assert not Booking.objects.exists()
    elsewhere = Client(HTTP_HOST=HOST, REMOTE_ADDR="10.9.8.7")
    assert elsewhere.post(f"/p/book/{manager.code}/", form(manager.branch, service)).status_code == 302


def test_too_many_bookings_from_one_visitor_get_a_429_whatever_their_address(manager, service, monkeypatch, bank):
    monkeypatch.setattr(public_views, "BOOKINGS_PER_VISITOR_HOUR", 2)
    cookie = visitor_cookie_sign("visitortoken1234567890", "share12345")
    for n in range(3):
        client = Client(HTTP_HOST=HOST, REMOTE_ADDR=f"10.0.0.{n + 1}")
        client.cookies["yd_v"] = cookie
        response = client.post(f"/p/book/{manager.code}/", form(manager.branch, service, mobile="1"))
    assert response.status_code == 429


def test_a_refused_form_shows_the_chosen_day_and_time_again(manager, service, bank_client):
    later = tomorrow_at(10) + timedelta(days=3)
    data = form(manager.branch, service, start=slot_value(later), mobile="123")
    response = bank_client.post(f"/p/book/{manager.code}/", data)
    assert response.status_code == 400
    assert response.context["choice"]["day"] == later.date()
    assert f'value="{slot_value(later)}" checked' in response.content.decode()


def test_the_booking_keeps_the_version_of_the_consent_statement_shown(manager, service, bank, bank_client):
    shown = consent_current()
    html = bank_client.get(f"/p/book/{manager.code}/").content.decode()
    assert shown.text.splitlines()[0] in html
    assert f'name="consent_version" value="{shown.version}"' in html
    # Head office publishes a new version while the customer is filling in the form.
    newer = consent_statement_publish(text="新版个人信息授权书")
    data = form(manager.branch, service, consent_version=shown.version)
    response = bank_client.post(f"/p/book/{manager.code}/", data)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.consent == shown != newer
    assert booking.consent_version == str(shown.version) and booking.consent_at is not None


def test_a_consent_version_that_does_not_exist_is_refused(manager, service, bank, bank_client):
    missing = (ConsentStatement.objects.order_by("-version").first().version or 0) + 100
    response = bank_client.post(f"/p/book/{manager.code}/", form(manager.branch, service, consent_version=missing))
    assert response.status_code == 400
    assert not Booking.objects.exists()
