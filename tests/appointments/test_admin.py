"""Head office edits service types, opening hours and capacity in /cms/; nobody else does."""

from org.models import Staff
from tests.factories import StaffFactory

URLS = [
    "/cms/snippets/appointments/servicetype/",
    "/cms/snippets/appointments/openinghours/",
    "/cms/snippets/appointments/slotcapacity/",
    "/cms/snippets/appointments/servicetype/add/",
]


def test_head_office_manages_appointment_settings_in_the_cms(bank, bank_client):
    bank_client.force_login(StaffFactory(role=Staff.Role.HQ_ADMIN).user)
    for url in URLS:
        assert bank_client.get(url).status_code == 200, url
    listing = bank_client.get(URLS[0]).content.decode()
    assert "大额取现" in listing  # every bank starts with the common service types


def test_a_manager_cannot_reach_them(bank, bank_client):
    bank_client.force_login(StaffFactory().user)
    for url in URLS:
        assert bank_client.get(url).status_code in (302, 403), url
