"""The lead inbox: scope, masking, reveal and export audits, status, notes and follow-ups."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import Lead
from customers.services import lead_follow_up_set, lead_submit
from org.models import AuditLog
from tests.customers.conftest import MOBILE
from tests.factories import BranchFactory, ProductFactory, StaffFactory


def lead_for(staff, consent, mobile=MOBILE, **kwargs):
    return lead_submit(page_staff=staff, consent=consent, name="张三", mobile=mobile, **kwargs).lead


@pytest.fixture
def lead(manager, consent):
    return lead_for(manager, consent)


def test_the_inbox_shows_leads_masked(bank_client, manager, lead):
    bank_client.force_login(manager.user)
    html = bank_client.get("/workspace/leads/").content.decode()
    assert "138****1234" in html and "张**" in html
    assert MOBILE not in html and "张三" not in html


def test_the_inbox_filters_by_status_and_product_with_an_htmx_partial(bank_client, manager, consent):
    product = ProductFactory()
    wanted = lead_for(manager, consent, product=product)
    lead_for(manager, consent, mobile="13900000000")
    bank_client.force_login(manager.user)
    page = bank_client.get(f"/workspace/leads/?product={product.pk}").context["page"]
    assert [x.pk for x in page] == [wanted.pk]
    assert bank_client.get("/workspace/leads/?status=converted").context["page"].paginator.count == 0
    partial = bank_client.get("/workspace/leads/?status=new", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="results">')


def test_the_lead_detail_shows_the_masked_phone_and_reveal_shows_it_and_is_audited(bank_client, manager, lead):
    bank_client.force_login(manager.user)
    html = bank_client.get(f"/workspace/leads/{lead.pk}/").content.decode()
    assert "138****1234" in html and MOBILE not in html
    revealed = bank_client.post(f"/workspace/leads/{lead.pk}/reveal/", headers={"HX-Request": "true"})
    assert f'href="tel:{MOBILE}"' in revealed.content.decode()
    entry = AuditLog.objects.get(action="lead.reveal")
    assert (entry.actor, entry.target_type, entry.target_id) == (manager, "lead", str(lead.pk))


def test_a_manager_cannot_open_or_reveal_a_colleagues_lead_by_id(bank_client, manager, consent):
    theirs = lead_for(StaffFactory(), consent)
    bank_client.force_login(manager.user)
    for url in ("", "reveal/", "status/", "notes/", "follow-up/"):
        method = bank_client.get if not url else bank_client.post
        assert method(f"/workspace/leads/{theirs.pk}/{url}").status_code == 404
    assert bank_client.get("/workspace/leads/999999/").status_code == 404
    assert not AuditLog.objects.filter(action="lead.reveal").exists()
    assert theirs.pk not in [x.pk for x in bank_client.get("/workspace/leads/").context["page"]]


def test_a_branch_head_sees_their_branch_only_and_head_office_everything(bank_client, consent):
    branch, elsewhere = BranchFactory(), BranchFactory()
    sub_branch = BranchFactory(parent=branch)
    head = StaffFactory(role="branch_head", branch=branch)
    mine = lead_for(StaffFactory(branch=sub_branch), consent)
    theirs = lead_for(StaffFactory(branch=elsewhere), consent)
    bank_client.force_login(head.user)
    assert [x.pk for x in bank_client.get("/workspace/leads/").context["page"]] == [mine.pk]
    assert bank_client.get(f"/workspace/leads/{mine.pk}/").status_code == 200
    assert bank_client.get(f"/workspace/leads/{theirs.pk}/").status_code == 404
    bank_client.force_login(StaffFactory(role="hq_admin").user)
    assert {x.pk for x in bank_client.get("/workspace/leads/").context["page"]} == {mine.pk, theirs.pk}


def test_another_banks_lead_is_out_of_reach(bank_client, manager, lead, in_other_bank):
    with in_other_bank():
        assert not Lead.objects.filter(pk=lead.pk).exists()


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_managers_export_is_masked_and_audited(bank_client, manager, lead):
    bank_client.force_login(manager.user)
    response = bank_client.get("/workspace/leads/export.csv?status=new")
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert len(rows) == 2
    assert "138****1234" in rows[1] and MOBILE not in response.content.decode("utf-8-sig")
    entry = AuditLog.objects.get(action="lead.export")
    assert entry.actor == manager
    assert entry.detail == {"format": "csv", "rows": 1, "masked": True, "status": "new", "product": None}


def test_a_branch_heads_export_is_unmasked_and_audited(bank_client, consent):
    branch = BranchFactory()
    head = StaffFactory(role="branch_head", branch=branch)
    lead_for(StaffFactory(branch=branch), consent)
    lead_for(StaffFactory(), consent, mobile="13900000000")  # another branch: not exported
    bank_client.force_login(head.user)
    response = bank_client.get("/workspace/leads/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    assert MOBILE in values[1] and "张三" in values[1]
    entry = AuditLog.objects.get(action="lead.export")
    assert (entry.actor, entry.detail["masked"], entry.detail["rows"]) == (head, False, 1)


def test_exports_never_hand_a_spreadsheet_a_formula(bank_client, manager, consent):
    lead_submit(page_staff=manager, consent=consent, name="=HYPERLINK(1)", mobile=MOBILE, note="+SUM(A1)")
    bank_client.force_login(manager.user)
    row = _csv_rows(bank_client.get("/workspace/leads/export.csv"))[1]
    assert "'+SUM(A1)" in row


def test_an_unknown_export_format_is_404(bank_client, manager):
    bank_client.force_login(manager.user)
    assert bank_client.get("/workspace/leads/export.pdf").status_code == 404


def test_status_changes_notes_and_follow_up(bank_client, manager, lead):
    bank_client.force_login(manager.user)
    url = f"/workspace/leads/{lead.pk}/"
    assert bank_client.post(url + "status/", {"status": "contacted"}).status_code == 302
    refused = bank_client.post(url + "status/", {"status": "converted", "amount": ""})
    assert refused.status_code == 400
    product = ProductFactory()
    done = bank_client.post(url + "status/", {"status": "converted", "amount": "200000", "product": product.pk})
    assert done.status_code == 302
    assert bank_client.post(url + "notes/", {"text": "<b>约了周五</b>"}).status_code == 302
    assert bank_client.post(url + "notes/", {"text": "x" * 1001}).status_code == 400
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert bank_client.post(url + "follow-up/", {"follow_up_on": tomorrow.isoformat()}).status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.converted_amount, lead.converted_product) == ("converted", 200000, product)
    assert lead.follow_up_on == tomorrow
    html = bank_client.get(url).content.decode()
    assert "&lt;b&gt;约了周五&lt;/b&gt;" in html


def test_follow_ups_due_today_come_first_as_the_reminder(bank_client, manager, consent):
    due = lead_for(manager, consent)
    later = lead_for(manager, consent, mobile="13900000000")
    lead_follow_up_set(lead=due, on=timezone.localdate())
    lead_follow_up_set(lead=later, on=timezone.localdate() + timedelta(days=3))
    bank_client.force_login(manager.user)
    assert [x.pk for x in bank_client.get("/workspace/leads/").context["due"]] == [due.pk]
