"""Statistics pages: who may read whose numbers, what the pages and exports show, the audit of
exports, and clear messages for bad periods."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from insights.models import BankDay, BranchDay, StaffDay
from insights.rollups import spans_rebuild
from org.models import AuditLog, Branch, Staff
from tests.factories import BranchFactory, StaffFactory


def staff_day(staff, day, **figures) -> StaffDay:
    """A day's figures written directly, with the blocks of days containing it rebuilt from them."""
    row = StaffDay.objects.create(day=day, staff=staff, branch_id=staff.branch_id, **figures)
    spans_rebuild([day])
    return row


@pytest.fixture
def org(bank):
    hq = Branch.objects.get(code="HQ")
    a = BranchFactory(name="A支行")
    a1 = BranchFactory(name="A1分理处", parent=a)
    b = BranchFactory(name="B支行")
    return {
        "a": a,
        "a1": a1,
        "b": b,
        "m1": StaffFactory(name="一号", branch=a),
        "m2": StaffFactory(name="=HYPERLINK(1)", branch=a),  # a name that would run as a formula
        "m4": StaffFactory(name="四号", branch=a1),
        "m5": StaffFactory(name="五号", branch=b),
        "head": StaffFactory(name="行长", branch=a, role=Staff.Role.BRANCH_HEAD),
        "hq": StaffFactory(name="总行", branch=hq, role=Staff.Role.HQ_ADMIN),
    }


@pytest.fixture
def as_(bank_client):
    def login(staff):
        bank_client.force_login(staff.user)
        return bank_client

    return login


# --- Scope -----------------------------------------------------------------------------------------


def test_a_manager_reads_their_own_numbers_and_nobody_elses(org, as_):
    today = timezone.localdate()
    staff_day(org["m1"], today, page_views=7, leads=2, unique_visitors=4)
    staff_day(org["m2"], today, page_views=99)
    client = as_(org["m1"])

    mine = client.get("/workspace/stats/?period=today")

    assert mine.status_code == 200
    cards = {card["metric"]: card["value"] for card in mine.context["cards"]}
    assert cards["page_views"] == 7 and cards["leads"] == 2
    assert mine.context["funnel"]["lead_rate"] == 50.0
    assert mine.context["rank"] == 2  # behind the colleague with 99 page views
    for url in (
        f"/workspace/stats/staff/{org['m2'].pk}/",
        f"/workspace/stats/staff/{org['m2'].pk}/export.csv",
        f"/workspace/stats/branch/{org['a'].pk}/",
        "/workspace/stats/team/export.csv",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.get("/workspace/stats/team/").status_code == 403
    assert client.get("/workspace/stats/bank/").status_code == 403
    assert client.get("/workspace/stats/bank/branches/export.csv").status_code == 403
    assert not AuditLog.objects.filter(action="stats.export").exists()


def test_a_branch_head_drills_into_their_branch_only(org, as_):
    client = as_(org["head"])
    assert client.get(f"/workspace/stats/staff/{org['m1'].pk}/").status_code == 200
    assert client.get(f"/workspace/stats/staff/{org['m4'].pk}/").status_code == 200  # sub-branch
    assert client.get(f"/workspace/stats/staff/{org['m5'].pk}/").status_code == 404
    assert client.get(f"/workspace/stats/staff/{org['hq'].pk}/").status_code == 404
    assert client.get(f"/workspace/stats/branch/{org['a1'].pk}/").status_code == 200
    assert client.get(f"/workspace/stats/branch/{org['b'].pk}/").status_code == 404
    assert client.get(f"/workspace/stats/team/export.csv?branch={org['b'].pk}").status_code == 404
    assert client.get("/workspace/stats/bank/").status_code == 403
    assert client.get("/workspace/stats/bank/branches/export.xlsx").status_code == 403
    team = client.get("/workspace/stats/team/?period=30d&metric=leads")
    assert team.status_code == 302
    assert team.url.startswith(f"/workspace/stats/branch/{org['a'].pk}/?")
    assert "metric=leads" in team.url


def test_another_banks_head_office_never_sees_this_banks_figures(org, in_other_bank, other_client):
    BankDay.objects.create(day=timezone.localdate(), page_views=777)
    with in_other_bank():
        stranger = StaffFactory(name="外行人", branch=Branch.objects.get(code="HQ"), role=Staff.Role.HQ_ADMIN)
        other_client.force_login(stranger.user)
    page = other_client.get("/workspace/stats/bank/?period=today")
    assert page.status_code == 200
    assert {card["metric"]: card["value"] for card in page.context["cards"]}["page_views"] == 0


# --- Pages -----------------------------------------------------------------------------------------


def test_the_branch_heads_leaderboard_ranks_with_ties_totals_and_movement(org, as_):
    today = timezone.localdate()
    last_week = today - dt.timedelta(days=7)
    staff_day(org["m1"], today, shares=5)
    staff_day(org["m2"], today, shares=5)
    staff_day(org["m4"], today, shares=1)
    staff_day(org["m4"], last_week, shares=9)
    staff_day(org["m5"], today, shares=50)  # branch B: not on A's board
    client = as_(org["head"])

    page = client.get(f"/workspace/stats/branch/{org['a'].pk}/?period=7d&metric=shares")

    assert page.status_code == 200
    board = page.context["board"]
    assert [(row.rank, row.value) for row in board.rows] == [(1, 5), (1, 5), (3, 1), (4, 0)]
    four = next(row for row in board.rows if row.name == "四号")
    assert (four.previous, four.previous_rank, four.rank_change) == (9, 1, -2)
    assert (board.total, board.previous_total) == (11, 9)
    assert type(board.total) is int  # counts stay whole numbers
    html = page.content.decode()
    assert "↓2" in html
    assert "五号" not in html
    assert escape("=HYPERLINK(1)") in html  # escaped, shown as text


def test_head_office_sees_the_bank_branches_per_capita_and_drills_down(org, as_):
    today = timezone.localdate()
    BankDay.objects.create(day=today, page_views=40, leads=4, unique_visitors=20)
    BranchDay.objects.create(day=today, branch_id=org["a"].pk, page_views=30)
    BranchDay.objects.create(day=today, branch_id=org["b"].pk, page_views=12)
    spans_rebuild([today])
    client = as_(org["hq"])

    page = client.get("/workspace/stats/bank/?period=7d&metric=page_views&per_capita=on")

    assert page.status_code == 200
    cards = {card["metric"]: card["value"] for card in page.context["cards"]}
    assert cards["page_views"] == 40
    board = page.context["board"]
    assert board.per_capita
    assert [row.name for row in board.rows[:2]] == ["B支行", "A支行"]  # 12 for 1 person beats 30 for 3
    html = page.content.decode()
    assert f"/workspace/stats/branch/{org['b'].pk}/" in html
    assert 'id="stats-chart-data"' in html and "vendor/chartjs/chart.umd.min.js" in html
    assert client.get(f"/workspace/stats/branch/{org['b'].pk}/").status_code == 200
    assert client.get(f"/workspace/stats/staff/{org['m5'].pk}/").status_code == 200
    everyone = client.get("/workspace/stats/team/")
    assert everyone.status_code == 200
    assert everyone.context["board"].count == Staff.objects.filter(left_at__isnull=True).count()


def test_the_staff_leaderboard_is_paginated(org, as_):
    for n in range(55):
        staff_day(StaffFactory(branch=org["b"]), timezone.localdate(), leads=n)
    client = as_(org["hq"])
    first = client.get("/workspace/stats/team/?period=today&metric=leads")
    second = client.get("/workspace/stats/team/?period=today&metric=leads&page=2")
    assert len(first.context["board"].rows) == 50
    assert first.context["board"].rows[0].value == 54
    assert second.context["board"].rows[0].rank == 51
    assert "page=2" in first.content.decode()


def test_the_chart_and_the_table_carry_the_same_figures(org, as_):
    today = timezone.localdate()
    staff_day(org["m1"], today - dt.timedelta(days=1), leads=3)
    staff_day(org["m1"], today, leads=1)
    page = as_(org["m1"]).get("/workspace/stats/?period=7d&metric=leads")
    chart = page.context["chart"]
    assert chart["values"] == [0, 0, 0, 0, 0, 3, 1]
    assert [row["value"] for row in page.context["trend"]] == chart["values"]
    assert len(chart["labels"]) == 7


def test_the_workspace_home_shows_todays_numbers(org, as_):
    staff_day(org["m1"], timezone.localdate(), page_views=12)
    home = as_(org["m1"]).get("/workspace/")
    html = home.content.decode()
    assert 'id="home-numbers-title"' in html
    assert "/workspace/stats/" in html
    assert ">12<" in html


# --- Periods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&start=2026-13-01&end=2026-01-05",
        "period=custom&start=2026-01-05&end=2026-01-01",
        "period=custom&start=2020-01-01&end=2022-01-01",
        "period=custom&start=&end=",
        "period=forever",
    ],
)
def test_a_bad_period_gets_a_clear_message_not_an_error_page(org, as_, query):
    client = as_(org["hq"])
    for url in ("/workspace/stats/", "/workspace/stats/team/", "/workspace/stats/bank/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        messages = [m for errors in response.context["form"].errors.values() for m in errors]
        assert messages
        assert escape(messages[0]) in response.content.decode()
        assert response.context["period"].days == 7  # the default period is shown meanwhile
    assert client.get(f"/workspace/stats/team/export.csv?{query}").status_code == 400
    assert not AuditLog.objects.filter(action="stats.export").exists()


def test_a_range_ending_in_the_future_is_refused(org, as_):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = as_(org["m1"]).get(f"/workspace/stats/?period=custom&start={tomorrow}&end={tomorrow}")
    assert response.status_code == 400


def test_a_custom_range_is_used(org, as_):
    staff_day(org["m1"], dt.date(2026, 1, 3), leads=4)
    staff_day(org["m1"], dt.date(2026, 1, 9), leads=40)
    response = as_(org["m1"]).get("/workspace/stats/?period=custom&start=2026-01-01&end=2026-01-05&metric=leads")
    assert response.status_code == 200
    assert response.context["period"].days == 5
    assert {c["metric"]: c["value"] for c in response.context["cards"]}["leads"] == 4


# --- Exports ---------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_staff_leaderboard_exports_every_row_formula_safe_and_audited(org, as_):
    today = timezone.localdate()
    staff_day(org["m2"], today, leads=3)
    staff_day(org["m1"], today, leads=1)
    client = as_(org["head"])

    response = client.get(f"/workspace/stats/team/export.csv?period=today&metric=leads&branch={org['a'].pk}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert len(rows) == 1 + 4  # header, then everyone in A and A1
    assert rows[1][0] == "1" and rows[1][2] == "'=HYPERLINK(1)" and rows[1][4] == "3"
    assert rows[2][2] == "一号" and rows[2][4] == "1"
    entry = AuditLog.objects.get(action="stats.export")
    assert entry.actor == org["head"]
    assert entry.detail["table"] == "staff"
    assert entry.detail["rows"] == 4
    assert entry.detail["metric"] == "leads"
    assert entry.detail["branch"] == org["a"].pk
    assert entry.detail["start"] == entry.detail["end"] == today.isoformat()


def test_a_persons_daily_figures_export_as_xlsx(org, as_):
    today = timezone.localdate()
    staff_day(org["m1"], today, page_views=8, converted_amount="99.50")
    response = as_(org["head"]).get(f"/workspace/stats/staff/{org['m1'].pk}/export.xlsx?period=7d")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 7
    header = rows[0]
    last = dict(zip(header, rows[-1], strict=True))
    assert rows[-1][0] == today.isoformat()
    assert 8 in last.values()
    assert AuditLog.objects.get(action="stats.export").detail["staff"] == org["m1"].pk


def test_head_office_exports_the_branch_leaderboard(org, as_):
    today = timezone.localdate()
    BranchDay.objects.create(day=today, branch_id=org["a"].pk, leads=6)
    spans_rebuild([today])
    response = as_(org["hq"]).get("/workspace/stats/bank/branches/export.xlsx?period=today&metric=leads")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == "A支行" and rows[1][4] == 6
    entry = AuditLog.objects.get(action="stats.export")
    assert entry.detail["table"] == "branches" and entry.detail["format"] == "xlsx"


def test_an_unknown_export_format_is_not_found(org, as_):
    assert as_(org["hq"]).get("/workspace/stats/team/export.pdf").status_code == 404
