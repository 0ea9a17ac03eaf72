"""`/s/<code>`: a staff member's public card, the URL printed inside their QR code."""

from decimal import Decimal

import pytest
from django.utils import timezone

from org.services.staff import staff_leave
from tests.factories import BranchFactory, StaffFactory


@pytest.fixture
def staff(bank):
    branch = BranchFactory(
        name="八一大道支行",
        address="南昌市东湖区八一大道1号",
        latitude=Decimal("28.682892"),
        longitude=Decimal("115.858198"),
        opening_hours="周一至周五 9:00-17:00",
    )
    return StaffFactory(
        name="李晓明", title="理财经理", branch=branch, mobile="13912345678", wechat_id="wx_lxm", licence_no="AFP-001"
    )


def test_card_shows_name_title_branch_and_phone_link(bank_client, staff):
    response = bank_client.get(f"/s/{staff.code}")

    assert response.status_code == 200
    body = response.content.decode()
    assert "李晓明" in body
    assert "理财经理" in body
    assert "八一大道支行" in body
    assert 'href="tel:13912345678"' in body
    assert "wx_lxm" in body
    assert "AFP-001" in body
    assert "南昌市东湖区八一大道1号" in body


def test_card_names_the_bank(bank, bank_client, staff):
    body = bank_client.get(f"/s/{staff.code}").content.decode()

    assert bank.name in body
    assert f"<title>李晓明 · {bank.name}</title>" in body


def test_card_links_to_the_map_when_the_branch_has_coordinates(bank_client, staff):
    body = bank_client.get(f"/s/{staff.code}").content.decode()

    assert 'href="https://uri.amap.com/marker?position=115.858198,28.682892&amp;name=' in body


def test_card_has_no_map_link_without_coordinates(bank, bank_client):
    member = StaffFactory(branch=BranchFactory(latitude=None, longitude=None))

    body = bank_client.get(f"/s/{member.code}").content.decode()

    assert "uri.amap.com" not in body


def test_card_without_mobile_has_no_phone_link(bank, bank_client):
    member = StaffFactory(mobile="")

    body = bank_client.get(f"/s/{member.code}").content.decode()

    assert "tel:" not in body


def test_card_code_is_read_case_insensitively(bank_client, staff):
    """Codes are typed by hand from posters; phones like to capitalise the first letter."""
    assert bank_client.get(f"/s/{staff.code.upper()}").status_code == 200


def test_card_is_public(bank_client, staff):
    response = bank_client.get(f"/s/{staff.code}")

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_unknown_code_is_a_friendly_404(bank, bank_client):
    response = bank_client.get("/s/nosuch99")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "<html" in body
    for debug_marker in ("Traceback", "Using the URLconf", "technical_404", "DEBUG = True", "Request Method"):
        assert debug_marker not in body


def test_card_only_answers_get(bank_client, staff):
    assert bank_client.post(f"/s/{staff.code}").status_code in (403, 405)


def test_staff_name_is_escaped(bank, bank_client):
    member = StaffFactory(name="<script>alert(1)</script>", title='"><img src=x onerror=alert(2)>')

    body = bank_client.get(f"/s/{member.code}").content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body


def test_card_of_departed_staff_leads_to_successor(bank, bank_client, staff):
    successor = StaffFactory(name="王接任")
    staff_leave(staff=staff, successor=successor, actor=None)

    response = bank_client.get(f"/s/{staff.code}")

    assert response.status_code == 200
    body = response.content.decode()
    assert "王接任" in body
    assert f'href="/s/{successor.code}"' in body
    assert 'href="tel:13912345678"' not in body  # the person who left is not offered for calls


def test_card_of_departed_staff_follows_a_chain_of_handovers(bank, bank_client, staff):
    first, second = StaffFactory(name="第一接任"), StaffFactory(name="第二接任")
    staff_leave(staff=staff, successor=first, actor=None)
    staff_leave(staff=first, successor=second, actor=None)

    body = bank_client.get(f"/s/{staff.code}").content.decode()

    assert f'href="/s/{second.code}"' in body


def test_card_of_departed_staff_without_successor_still_answers(bank, bank_client, staff):
    staff.left_at = timezone.now()
    staff.save(update_fields=["left_at"])

    response = bank_client.get(f"/s/{staff.code}")

    assert response.status_code == 200
    assert "李晓明" in response.content.decode()


def test_default_language_is_simplified_chinese(bank_client, staff):
    response = bank_client.get(f"/s/{staff.code}")

    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_accept_language_english_gives_an_english_page(bank_client, staff):
    response = bank_client.get(f"/s/{staff.code}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert ">Call 13912345678<" in body
