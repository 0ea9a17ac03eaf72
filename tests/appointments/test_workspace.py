"""Staff's appointment list: who sees which bookings, and confirming or closing them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from appointments.models import Booking
from appointments.services import booking_create
from org.models import Staff
from tests.appointments.conftest import open_every_day, tomorrow_at
from tests.factories import BranchFactory, StaffFactory


def book(branch, service, staff, hour=10):
    return booking_create(
        branch=branch,
        service=service,
        start=tomorrow_at(hour),
        name="张三",
        mobile="13912345678",
        consent=True,
        page_staff=staff,
    )


@pytest.fixture
def colleague(branch):
    return StaffFactory(branch=branch)


def listed(client) -> set[int]:
    return {booking.pk for booking in client.get("/workspace/appointments/").context["page"]}


def test_a_manager_sees_their_upcoming_bookings_masked(manager, colleague, branch, service, bank_client):
    mine, theirs = book(branch, service, manager), book(branch, service, colleague)
    bank_client.force_login(manager.user)
    response = bank_client.get("/workspace/appointments/")
    content = response.content.decode()
    assert listed(bank_client) == {mine.pk}
    assert "139****5678" in content and "13912345678" not in content
    assert "张**" in content and theirs.code not in content


def test_a_manager_cannot_touch_a_colleagues_booking_by_its_id(manager, colleague, branch, service, bank_client):
    theirs = book(branch, service, colleague)
    bank_client.force_login(manager.user)
    assert bank_client.post(f"/workspace/appointments/{theirs.pk}/status/", {"action": "confirm"}).status_code == 404
    assert bank_client.post("/workspace/appointments/999999/status/", {"action": "confirm"}).status_code == 404
    assert Booking.objects.get(pk=theirs.pk).status == Booking.Status.BOOKED


def test_a_branch_head_sees_their_branches_and_their_staffs_bookings(bank, service, bank_client):
    region = open_every_day(BranchFactory())
    outlet = open_every_day(BranchFactory(parent=region))
    elsewhere = open_every_day(BranchFactory())
    head = StaffFactory(branch=region, role=Staff.Role.BRANCH_HEAD)
    own_staff, stranger = StaffFactory(branch=outlet), StaffFactory(branch=elsewhere)
    by_own_staff_elsewhere = book(elsewhere, service, own_staff)
    by_stranger_at_outlet = book(outlet, service, stranger)
    not_mine = book(elsewhere, service, stranger, hour=11)
    bank_client.force_login(head.user)
    assert listed(bank_client) == {by_own_staff_elsewhere.pk, by_stranger_at_outlet.pk}
    assert bank_client.post(f"/workspace/appointments/{not_mine.pk}/status/", {"action": "confirm"}).status_code == 404


def test_head_office_sees_every_booking(bank, branch, service, manager, colleague, bank_client):
    hq = StaffFactory(role=Staff.Role.HQ_ADMIN)
    bookings = {book(branch, service, manager).pk, book(branch, service, colleague).pk}
    bank_client.force_login(hq.user)
    assert listed(bank_client) == bookings


def test_confirming_through_htmx_answers_with_the_row(manager, branch, service, bank_client):
    booking = book(branch, service, manager)
    bank_client.force_login(manager.user)
    response = bank_client.post(
        f"/workspace/appointments/{booking.pk}/status/", {"action": "confirm"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith(f'<li id="booking-{booking.pk}">') and "<html" not in content
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_a_plain_form_marks_done_and_goes_back_to_the_list(manager, branch, service, bank_client):
    booking = book(branch, service, manager)
    bank_client.force_login(manager.user)
    response = bank_client.post(f"/workspace/appointments/{booking.pk}/status/", {"action": "done"})
    assert response.status_code == 302 and response["Location"] == "/workspace/appointments/"
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.DONE
    assert booking.pk not in listed(bank_client)
    past = bank_client.get("/workspace/appointments/?when=past").context["page"]
    assert booking.pk not in {b.pk for b in past}  # still in the future


def test_a_no_show_before_the_time_is_refused_with_409(manager, branch, service, bank_client):
    booking = book(branch, service, manager)
    bank_client.force_login(manager.user)
    response = bank_client.post(f"/workspace/appointments/{booking.pk}/status/", {"action": "no_show"})
    assert response.status_code == 409
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    bank_client.post(f"/workspace/appointments/{booking.pk}/status/", {"action": "no_show"})
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.NO_SHOW


def test_an_unknown_action_is_a_bad_request(manager, branch, service, bank_client):
    booking = book(branch, service, manager)
    bank_client.force_login(manager.user)
    assert bank_client.post(f"/workspace/appointments/{booking.pk}/status/", {"action": "delete"}).status_code == 400


def test_the_list_needs_a_login(bank_client, bank):
    response = bank_client.get("/workspace/appointments/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_section_is_in_the_workspace_menu(manager, bank_client):
    bank_client.force_login(manager.user)
    sections = bank_client.get("/workspace/appointments/").context["workspace_sections"]
    assert "appointments" in [section.key for section in sections]


def test_revealing_a_customers_number_shows_it_once_and_is_audited(manager, colleague, branch, service, bank_client):
    from org.models import AuditLog

    mine, other = book(branch, service, manager), book(branch, service, manager, hour=11)
    bank_client.force_login(manager.user)
    row = bank_client.post(f"/workspace/appointments/{mine.pk}/reveal/", headers={"HX-Request": "true"})
    html = row.content.decode()
    assert row.status_code == 200 and '<a href="tel:13912345678">' in html and "张三" in html
    assert AuditLog.objects.filter(action="booking.reveal", target_id=str(mine.pk), actor=manager).count() == 1
    page = bank_client.post(f"/workspace/appointments/{mine.pk}/reveal/").content.decode()
    assert page.count("tel:13912345678") == 1  # only the revealed booking, not `other` as well
    assert other.code in page


def test_a_colleagues_booking_cannot_be_revealed(manager, colleague, branch, service, bank_client):
    from org.models import AuditLog

    theirs = book(branch, service, colleague)
    bank_client.force_login(manager.user)
    assert bank_client.post(f"/workspace/appointments/{theirs.pk}/reveal/").status_code == 404
    assert not AuditLog.objects.filter(action="booking.reveal").exists()
