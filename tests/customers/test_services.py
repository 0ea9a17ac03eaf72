"""Storing leads: encryption at rest, consent, de-duplication, attribution and the lead event."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from customers import pii
from customers.models import ConsentStatement, Lead
from customers.services import LeadError, consent_current, consent_statement_publish, lead_status_change, lead_submit
from insights.models import Event, Visitor
from tests.customers.conftest import MOBILE, visitor_new
from tests.factories import ProductFactory, StaffFactory


def submit(manager, consent, **kwargs):
    kwargs.setdefault("name", "张三")
    kwargs.setdefault("mobile", MOBILE)
    return lead_submit(page_staff=manager, consent=consent, **kwargs)


def test_every_bank_starts_with_a_chinese_consent_statement(consent):
    assert consent.version == 1
    assert "个人信息" in consent.text


def test_each_edit_of_the_consent_statement_is_a_new_current_version(consent, manager):
    lead = submit(manager, consent).lead
    newer = consent_statement_publish(text="新版本的同意书")
    assert newer.version == consent.version + 1
    assert consent_current() == newer
    lead.refresh_from_db()
    assert lead.consent == consent
    assert ConsentStatement.objects.get(pk=consent.pk).text == consent.text


def test_name_and_mobile_are_encrypted_at_rest(consent, manager):
    lead = submit(manager, consent, name="王小明").lead
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM customers_lead t WHERE id = %s", [lead.pk])
        (raw_row,) = cursor.fetchone()
    assert MOBILE not in raw_row
    assert "王小明" not in raw_row
    assert lead.mobile_masked == "138****1234"
    assert lead.phone_hash == pii.phone_hash(MOBILE)
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.name, fresh.mobile, fresh.name_masked) == ("王小明", MOBILE, "王**")
    assert fresh.consent == consent and fresh.consented_at is not None


@pytest.mark.parametrize("mobile", ["12812341234", "1381234123", "138123412345", "abc", "", "+1 415 555 0100"])
def test_wrong_mobile_numbers_are_refused(consent, manager, mobile):
    with pytest.raises(LeadError):
        submit(manager, consent, mobile=mobile)
    assert not Lead.objects.exists()


def test_a_number_with_country_code_and_spaces_is_normalised(consent, manager):
    lead = submit(manager, consent, mobile="+86 138 1234 1234").lead
    assert lead.mobile == MOBILE


def test_the_same_number_within_a_day_updates_the_open_lead(consent, manager):
    product = ProductFactory()
    first = submit(manager, consent, note="第一次").lead
    again = submit(manager, consent, mobile="138-1234-1234", product=product, note="第二次")
    assert not again.created
    assert Lead.objects.count() == 1
    lead = Lead.objects.get()
    assert lead.pk == first.pk
    assert (lead.submissions, lead.product, lead.note) == (2, product, "第二次")


def test_after_a_day_the_same_number_makes_a_new_lead(consent, manager):
    first = submit(manager, consent).lead
    Lead.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert submit(manager, consent).created
    assert Lead.objects.count() == 2


def test_a_closed_lead_is_not_reopened_by_a_new_submission(consent, manager):
    first = submit(manager, consent).lead
    lead_status_change(lead=first, status=Lead.Status.INVALID, actor=manager)
    assert submit(manager, consent).created


def test_the_same_number_for_another_manager_is_another_lead(consent, manager):
    submit(manager, consent)
    assert submit(StaffFactory(), consent).created


def test_off_sale_products_cannot_be_asked_about(consent, manager):
    with pytest.raises(LeadError):
        submit(manager, consent, product=ProductFactory(status="off_sale"))


def test_the_lead_goes_to_the_customers_own_manager_and_records_the_event(consent, manager):
    owner = StaffFactory()
    visitor = visitor_new(owner=owner)
    lead = submit(manager, consent, visitor=visitor).lead
    assert lead.staff == owner and lead.page_staff == manager
    event = Event.objects.get(kind=Event.Kind.LEAD)
    assert (event.visitor, event.staff, event.page_staff) == (visitor, owner, manager)
    assert (event.object_type, event.object_id, event.branch_id) == ("lead", str(lead.pk), owner.branch_id)
    assert Visitor.objects.get(pk=visitor.pk).phone_masked == "138****1234"


def test_a_departed_managers_lead_goes_to_their_successor(consent, manager):
    successor = StaffFactory()
    type(manager).objects.filter(pk=manager.pk).update(left_at=timezone.now(), successor=successor)
    manager.refresh_from_db()
    assert submit(manager, consent).lead.staff == successor


def test_converting_needs_the_amount_and_product(consent, manager):
    lead = submit(manager, consent).lead
    with pytest.raises(LeadError):
        lead_status_change(lead=lead, status=Lead.Status.CONVERTED, actor=manager)
    product = ProductFactory()
    lead = lead_status_change(lead=lead, status=Lead.Status.CONVERTED, actor=manager, amount=50000, product=product)
    assert (lead.status, lead.converted_amount, lead.converted_product) == ("converted", 50000, product)
    with pytest.raises(LeadError):
        lead_status_change(lead=lead, status=Lead.Status.NEW, actor=manager)
    assert [n.status for n in lead.notes.all()] == ["converted"]
