"""Statistics selectors: figures equal what the events say, periods, ranks with ties, the change since
the previous period, leaderboard scope and totals."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from insights import statistics
from insights.models import Event, StaffDay, Visitor
from insights.rollups import rollup_day, spans_rebuild
from insights.services import event_record
from insights.statistics import Period, PeriodError, period_parse
from org.models import Branch, Staff
from tests.factories import BranchFactory, StaffFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def visitor(owner, *, bot=False, **kwargs) -> Visitor:
    n = Visitor.objects.count() + 1
    return Visitor.objects.create(token=f"t{n:030d}", share_code=f"s{n:010d}", owner=owner, is_bot=bot, **kwargs)


def staff_day(staff, day, branch=None, **figures) -> StaffDay:
    """A day's figures written directly, with the blocks of days containing it rebuilt from them."""
    row = StaffDay.objects.create(day=day, staff=staff, branch_id=(branch or staff.branch).pk, **figures)
    spans_rebuild([day])
    return row


def from_events(kind: str, *, staff, day: dt.date) -> int:
    """The count straight from the events: non-bot, on that Asia/Shanghai day."""
    start = at(day, 0, 0)
    return Event.objects.filter(
        kind=kind, staff=staff, is_bot=False, occurred_at__gte=start, occurred_at__lt=start + dt.timedelta(days=1)
    ).count()


@pytest.fixture
def org(bank):
    """Branch A (with sub-branch A1) and branch B; three managers in A, one in A1, one in B."""
    hq = Branch.objects.get(code="HQ")
    a = BranchFactory(name="A支行")
    a1 = BranchFactory(name="A1分理处", parent=a)
    b = BranchFactory(name="B支行")
    return {
        "a": a,
        "a1": a1,
        "b": b,
        "m1": StaffFactory(name="一号", branch=a),
        "m2": StaffFactory(name="二号", branch=a),
        "m3": StaffFactory(name="三号", branch=a),
        "m4": StaffFactory(name="四号", branch=a1),
        "m5": StaffFactory(name="五号", branch=b),
        "head": StaffFactory(name="行长", branch=a, role=Staff.Role.BRANCH_HEAD),
        "hq": StaffFactory(name="总行", branch=hq, role=Staff.Role.HQ_ADMIN),
    }


# --- Figures from events ---------------------------------------------------------------------------


def test_figures_equal_counts_from_events_bots_excluded_and_shanghai_day_edges(org):
    m1 = org["m1"]
    customer, other, robot = visitor(m1), visitor(m1), visitor(m1, bot=True)
    before = DAY - dt.timedelta(days=1)
    after = DAY + dt.timedelta(days=1)
    event_record(kind="page_view", visitor=customer, occurred_at=at(before, 23, 59))  # the day before
    event_record(kind="page_view", visitor=customer, occurred_at=at(DAY, 0, 1))
    event_record(kind="page_view", visitor=other, occurred_at=at(DAY, 12, 0))
    event_record(kind="page_view", visitor=customer, occurred_at=at(DAY, 23, 59))
    event_record(kind="page_view", visitor=customer, occurred_at=at(after, 0, 1))  # the day after
    event_record(kind="page_view", visitor=robot, occurred_at=at(DAY, 10, 0))  # a bot: never counts
    event_record(kind="page_view", staff=m1, is_bot=True, occurred_at=at(DAY, 10, 5))
    event_record(kind="scan", visitor=customer, occurred_at=at(DAY, 0, 1))
    event_record(kind="share", visitor=other, occurred_at=at(DAY, 9, 0))
    for category in ("wealth", "wealth", "loan"):
        event_record(kind="product_click", visitor=customer, data={"category": category}, occurred_at=at(DAY, 9, 30))
    event_record(kind="product_click", visitor=robot, data={"category": "loan"}, occurred_at=at(DAY, 9, 31))
    event_record(kind="lead", visitor=customer, occurred_at=at(DAY, 10, 0))
    event_record(kind="conversion", visitor=customer, data={"amount": "123.45"}, occurred_at=at(DAY, 11, 0))
    for day in (before, DAY, after):
        rollup_day(day)

    figures = statistics.staff_figures(staff=m1, period=Period(DAY, DAY))

    assert figures["page_views"] == from_events("page_view", staff=m1, day=DAY) == 3
    assert figures["scans"] == from_events("scan", staff=m1, day=DAY) == 1
    assert figures["shares"] == 1
    assert figures["product_clicks"] == from_events("product_click", staff=m1, day=DAY) == 3
    assert figures["product_clicks_by_category"] == {"wealth": 2, "loan": 1}
    assert figures["leads"] == 1
    assert figures["conversions"] == 1
    assert figures["converted_amount"] == Decimal("123.45")
    assert figures["unique_visitors"] == 2  # the bot visitor is not one
    trend = statistics.staff_trend(staff=m1, period=Period(before, after))
    assert [row["page_views"] for row in trend] == [
        from_events("page_view", staff=m1, day=d) for d in (before, DAY, after)
    ]
    assert [row["page_views"] for row in trend] == [1, 3, 1]
    bank = statistics.bank_figures(period=Period(before, after))
    assert bank["page_views"] == 5
    assert [row["page_views"] for row in statistics.bank_trend(period=Period(before, after))] == [1, 3, 1]
    branch = statistics.branch_figures(branch=org["a"], period=Period(DAY, DAY))
    assert branch["page_views"] == 3 and branch["leads"] == 1


def test_a_range_adds_its_days_and_its_categories(org):
    m1 = org["m1"]
    staff_day(m1, DAY, page_views=4, unique_visitors=2, product_clicks_by_category={"wealth": 1})
    staff_day(
        m1,
        DAY + dt.timedelta(days=2),
        page_views=6,
        unique_visitors=3,
        product_clicks_by_category={"wealth": 2, "loan": 5},
    )
    staff_day(m1, DAY + dt.timedelta(days=9), page_views=100)  # outside the range
    period = Period(DAY, DAY + dt.timedelta(days=2))

    figures = statistics.staff_figures(staff=m1, period=period)

    assert figures["page_views"] == 10
    assert figures["unique_visitors"] == 5  # the sum of daily unique visitors
    assert figures["product_clicks_by_category"] == {"loan": 5, "wealth": 3}
    assert list(figures["product_clicks_by_category"]) == ["loan", "wealth"]  # largest first
    trend = statistics.staff_trend(staff=m1, period=period)
    assert [(row["day"], row["page_views"]) for row in trend] == [
        (DAY, 4),
        (DAY + dt.timedelta(days=1), 0),  # a day with nothing is present, at zero
        (DAY + dt.timedelta(days=2), 6),
    ]


def test_a_transferred_persons_days_in_both_branches_count(org):
    m1 = org["m1"]
    staff_day(m1, DAY, branch=org["b"], leads=2)
    staff_day(m1, DAY, leads=3)
    assert statistics.staff_figures(staff=m1, period=Period(DAY, DAY))["leads"] == 5


def test_nothing_recorded_gives_zeros_not_none(org):
    figures = statistics.staff_figures(staff=org["m1"], period=Period(DAY, DAY))
    assert figures["page_views"] == 0
    assert figures["converted_amount"] == Decimal("0")
    assert figures["product_clicks_by_category"] == {}
    assert statistics.funnel(figures)["lead_rate"] is None


def test_funnel_counts_and_rates():
    funnel = statistics.funnel({"unique_visitors": 200, "leads": 10, "conversions": 4})
    assert funnel == {
        "visitors": 200,
        "leads": 10,
        "converted": 4,
        "lead_rate": 5.0,
        "conversion_rate": 40.0,
        "overall_rate": 2.0,
    }


# --- Periods ---------------------------------------------------------------------------------------


def test_periods_end_today_and_the_previous_period_is_just_before():
    today = dt.date(2026, 3, 31)
    assert period_parse("today", "", "", today=today) == Period(today, today)
    seven = period_parse("7d", "", "", today=today)
    assert (seven.start, seven.days) == (dt.date(2026, 3, 25), 7)
    thirty = period_parse("30d", "", "", today=today)
    assert (thirty.start, thirty.days) == (dt.date(2026, 3, 2), 30)
    assert seven.previous() == Period(dt.date(2026, 3, 18), dt.date(2026, 3, 24))
    custom = period_parse("custom", "2026-02-27", "2026-03-02", today=today)
    assert custom.days == 4
    assert custom.previous() == Period(dt.date(2026, 2, 23), dt.date(2026, 2, 26))


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("custom", "2026-03-05", "2026-03-01"),  # start after end
        ("custom", "2026-03-01", "2026-04-01"),  # after today
        ("custom", "2025-01-01", "2026-03-01"),  # longer than 366 days
        ("custom", "2026-02-30", "2026-03-01"),  # not a date
        ("custom", "", "2026-03-01"),
        ("custom", "yesterday", "today"),
        ("week", "", ""),
    ],
)
def test_bad_periods_are_refused_with_a_message(value, start, end):
    with pytest.raises(PeriodError) as refused:
        period_parse(value, start, end, today=dt.date(2026, 3, 31))
    assert refused.value.message


def test_a_full_366_day_range_is_allowed():
    period = period_parse("custom", "2025-03-31", "2026-03-31", today=dt.date(2026, 3, 31))
    assert period.days == 366


# --- Ranks and leaderboards ------------------------------------------------------------------------


def test_ties_share_a_rank_and_the_next_rank_is_skipped(org):
    for name, leads in (("m1", 10), ("m2", 7), ("m3", 7), ("head", 3)):
        staff_day(org[name], DAY, leads=leads)
    period = Period(DAY, DAY)

    board = statistics.staff_leaderboard(viewer=org["head"], period=period, metric="leads", branch=org["a"])

    assert sorted((row.rank, row.name, row.value) for row in board.rows) == [
        (1, "一号", 10),
        (2, "三号", 7),
        (2, "二号", 7),
        (4, "行长", 3),
        (5, "四号", 0),  # in the sub-branch, nothing yet: ranked at zero
    ]
    assert [row.rank for row in board.rows] == [1, 2, 2, 4, 5]
    assert statistics.staff_rank_in_branch(staff=org["m3"], period=period, metric="leads") == (2, 4)
    assert statistics.staff_rank_in_branch(staff=org["head"], period=period, metric="leads") == (4, 4)
    assert statistics.staff_rank_in_branch(staff=org["m4"], period=period, metric="leads") == (1, 1)


def test_leaderboard_shows_the_change_since_the_previous_period(org):
    period = Period(DAY, DAY + dt.timedelta(days=6))
    before = period.previous()
    staff_day(org["m1"], period.start, page_views=5)
    staff_day(org["m2"], period.end, page_views=9)
    staff_day(org["m1"], before.start, page_views=20)
    staff_day(org["m2"], before.end, page_views=4)
    staff_day(org["m2"], before.start - dt.timedelta(days=1), page_views=1000)  # before both periods

    board = statistics.staff_leaderboard(viewer=org["hq"], period=period, metric="page_views")
    rows = {row.name: row for row in board.rows}

    assert (rows["二号"].rank, rows["二号"].previous, rows["二号"].change) == (1, 4, 5)
    assert (rows["二号"].previous_rank, rows["二号"].rank_change) == (2, 1)  # moved up one place
    assert (rows["一号"].rank, rows["一号"].previous_rank, rows["一号"].rank_change) == (2, 1, -1)
    assert rows["一号"].change == -15
    assert (board.total, board.previous_total, board.change) == (14, 24, -10)


def test_totals_count_every_row_not_only_the_page(org):
    for n, name in enumerate(("m1", "m2", "m3", "m4", "m5", "head"), start=1):
        staff_day(org[name], DAY, shares=n)
    board = statistics.staff_leaderboard(viewer=org["hq"], period=Period(DAY, DAY), metric="shares", limit=2, offset=2)
    assert [row.value for row in board.rows] == [4, 3]
    assert [row.rank for row in board.rows] == [3, 4]  # ranks over everyone, not within the page
    assert board.count == Staff.objects.filter(left_at__isnull=True).count()
    assert board.total == 21
    past_the_end = statistics.staff_leaderboard(
        viewer=org["hq"], period=Period(DAY, DAY), metric="shares", limit=2, offset=500
    )
    assert past_the_end.rows == [] and past_the_end.total == 21


def test_a_branch_head_ranks_only_their_branch_and_a_manager_only_themself(org):
    for name in ("m1", "m4", "m5"):
        staff_day(org[name], DAY, leads=1)
    period = Period(DAY, DAY)

    head_board = statistics.staff_leaderboard(viewer=org["head"], period=period, metric="leads")
    names = {row.name for row in head_board.rows}
    assert names == {"一号", "二号", "三号", "四号", "行长"}  # A and its sub-branch A1, never B
    assert head_board.total == 2
    sub = statistics.staff_leaderboard(viewer=org["head"], period=period, metric="leads", branch=org["a1"])
    assert [row.name for row in sub.rows] == ["四号"]
    foreign = statistics.staff_leaderboard(viewer=org["head"], period=period, metric="leads", branch=org["b"])
    assert foreign.rows == [] and foreign.total == 0  # another branch's staff stay out of reach
    own = statistics.staff_leaderboard(viewer=org["m1"], period=period, metric="leads")
    assert [row.name for row in own.rows] == ["一号"]


def test_people_who_left_are_not_ranked(org):
    from django.utils import timezone

    Staff.objects.filter(pk=org["m2"].pk).update(left_at=timezone.now())
    board = statistics.staff_leaderboard(viewer=org["head"], period=Period(DAY, DAY), metric="leads")
    assert "二号" not in {row.name for row in board.rows}


def test_unknown_metrics_never_reach_sql(org):
    with pytest.raises(ValueError):
        statistics.staff_leaderboard(viewer=org["hq"], period=Period(DAY, DAY), metric="leads; DROP TABLE x")


def test_branch_leaderboard_ranks_totals_and_per_capita(org):
    from insights.models import BranchDay

    BranchDay.objects.create(day=DAY, branch_id=org["a"].pk, leads=12)  # 4 people in A
    BranchDay.objects.create(day=DAY, branch_id=org["b"].pk, leads=6)  # 1 person in B
    BranchDay.objects.create(day=DAY - dt.timedelta(days=1), branch_id=org["b"].pk, leads=1)  # previous day
    period = Period(DAY, DAY)

    totals = statistics.branch_leaderboard(viewer=org["hq"], period=period, metric="leads")
    by_name = {row.name: row for row in totals.rows}
    assert (by_name["A支行"].rank, by_name["B支行"].rank) == (1, 2)
    assert by_name["A支行"].per_capita == Decimal("3.00")
    assert by_name["B支行"].per_capita == Decimal("6.00")
    assert (by_name["B支行"].previous, by_name["B支行"].change) == (1, 5)
    assert by_name["A1分理处"].value == 0  # has staff, no figures: still listed
    assert totals.total == 18
    assert totals.staff_total == Staff.objects.filter(left_at__isnull=True).count()

    per_head = statistics.branch_leaderboard(viewer=org["hq"], period=period, metric="leads", per_capita=True)
    assert [row.name for row in per_head.rows[:2]] == ["B支行", "A支行"]


def test_only_head_office_gets_the_branch_leaderboard(org):
    for who in ("head", "m1"):
        with pytest.raises(PermissionDenied):
            statistics.branch_leaderboard(viewer=org[who], period=Period(DAY, DAY), metric="leads")


def test_todays_figures_follow_new_events_once_pending_rollups_run(org):
    from insights.rollups import rollup_pending, stats_today

    m1 = org["m1"]
    today = stats_today()
    customer = visitor(m1)
    event_record(kind="page_view", visitor=customer)
    rollup_pending()
    assert statistics.staff_figures(staff=m1, period=Period(today, today))["page_views"] == 1
    event_record(kind="page_view", visitor=customer)
    event_record(kind="lead", visitor=customer)
    rollup_pending()
    figures = statistics.staff_figures(staff=m1, period=Period(today, today))
    assert (figures["page_views"], figures["leads"]) == (2, 1)  # recomputed, never double counted
    assert statistics.bank_figures(period=Period(today, today))["page_views"] == 2


def test_head_office_ranks_the_whole_bank_from_the_top_branch_or_without_one(org):
    for name in ("m1", "m4", "m5"):
        staff_day(org[name], DAY, leads=1)
    period = Period(DAY, DAY)
    everyone = statistics.staff_leaderboard(viewer=org["hq"], period=period, metric="leads")
    from_top = statistics.staff_leaderboard(
        viewer=org["hq"], period=period, metric="leads", branch=Branch.objects.get(code="HQ")
    )
    one_branch = statistics.staff_leaderboard(viewer=org["hq"], period=period, metric="leads", branch=org["b"])
    assert everyone.total == from_top.total == 3
    assert everyone.count == from_top.count == Staff.objects.filter(left_at__isnull=True).count()
    assert (one_branch.total, [row.name for row in one_branch.rows]) == (1, ["五号"])


def test_no_rank_movement_is_shown_for_those_with_nothing_in_the_previous_period(org):
    period = Period(DAY, DAY)
    staff_day(org["m1"], DAY, leads=3)
    staff_day(org["m2"], DAY, leads=1)
    board = statistics.staff_leaderboard(viewer=org["hq"], period=period, metric="leads")
    rows = {row.name: row for row in board.rows}
    # Everyone was at zero (tied first) the day before: second place now is not "down one".
    assert (rows["二号"].rank, rows["二号"].previous_rank, rows["二号"].rank_change) == (2, 1, 0)
