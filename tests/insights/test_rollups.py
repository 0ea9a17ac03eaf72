"""Daily rollups: figures equal what the events say, whatever path wrote the events, and recomputing
never double counts."""

import datetime as dt
import io
import threading
import zoneinfo
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from customers.models import ConsentStatement, Lead
from customers.services import consent_current, lead_status_change
from insights.models import BankDay, BranchDay, BranchSpan, Event, RollupPending, StaffDay, StaffSpan, Visitor
from insights.rollups import SPAN_LEVELS, period_cover, rollup_day, rollup_days, rollup_pending, span_start
from insights.services import event_record
from org.models import Staff
from tests.factories import BranchFactory, ProductFactory, StaffFactory

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


def visitor(owner, *, first_seen: dt.datetime, referrer=None, is_bot=False) -> Visitor:
    v = Visitor.objects.create(
        token=f"t{Visitor.objects.count()}-{owner.pk}-{first_seen.timestamp()}",
        share_code=f"s{Visitor.objects.count()}{owner.pk}{int(first_seen.timestamp()) % 100000}",
        owner=owner,
        first_staff=owner,
        owned_since=first_seen,
        referrer=referrer,
        is_bot=is_bot,
    )
    # first_seen_at is auto_now_add: set the day it happened.
    Visitor.objects.filter(pk=v.pk).update(first_seen_at=first_seen, last_seen_at=first_seen)
    v.refresh_from_db()
    return v


def record(kind, who, staff, when, **data):
    return event_record(kind=kind, visitor=who, staff=staff, occurred_at=when, data=data or None)


def figures(model, **lookup):
    row = model.objects.filter(**lookup).first()
    return (
        {m: getattr(row, m) for m in model.METRICS} | {"by_category": row.product_clicks_by_category} if row else None
    )


@pytest.fixture
def scene(bank):
    """Two managers in one branch, one in another; a day of activity around the Shanghai midnights."""
    branch, other_branch = BranchFactory(), BranchFactory()
    ann, bob = StaffFactory(branch=branch), StaffFactory(branch=branch)
    cat = StaffFactory(branch=other_branch)
    v1 = visitor(ann, first_seen=at(DAY, 0, 1))  # new at 00:01 on DAY
    v2 = visitor(ann, first_seen=at(DAY, 23, 59), referrer=v1)  # new at 23:59, by referral
    v_old = visitor(bob, first_seen=at(DAY - dt.timedelta(days=30), 9))
    v_late = visitor(cat, first_seen=at(DAY + dt.timedelta(days=1), 0, 1))  # 00:01 the next day
    robot = visitor(bob, first_seen=at(DAY, 10), is_bot=True)
    K = Event.Kind
    record(K.SCAN, v1, ann, at(DAY, 0, 1))
    record(K.PAGE_VIEW, v1, ann, at(DAY, 0, 1))
    record(K.PAGE_VIEW, v1, ann, at(DAY, 12))
    record(K.PRODUCT_CLICK, v1, ann, at(DAY, 12, 1), category="wealth")
    record(K.PRODUCT_CLICK, v1, ann, at(DAY, 12, 2), category="wealth")
    record(K.PRODUCT_CLICK, v1, ann, at(DAY, 12, 3), category="deposit")
    record(K.SHARE, v1, ann, at(DAY, 12, 4))
    record(K.SCAN, v2, ann, at(DAY, 23, 59))
    record(K.PAGE_VIEW, v2, ann, at(DAY, 23, 59))
    record(K.LEAD, v2, ann, at(DAY, 23, 59), repeat=False)
    record(K.LEAD, v2, ann, at(DAY, 23, 59), repeat=True)  # the same lead again: not a new one
    record(K.PAGE_VIEW, v_old, bob, at(DAY, 8))
    record(K.PAYMENT_CLICK, v_old, bob, at(DAY, 8, 1))
    record(K.APPOINTMENT, v_old, bob, at(DAY, 8, 2))
    record(K.CONVERSION, v_old, bob, at(DAY, 9), amount="50000.00")
    record(K.SURVEY_RESPONSE, v_old, bob, at(DAY, 9, 30))
    record(K.MESSAGE, v_old, bob, at(DAY, 9, 31))
    record(K.CAMPAIGN, v_old, bob, at(DAY, 9, 32), action="click")
    record(K.PAGE_VIEW, robot, bob, at(DAY, 10))  # a bot: never counts
    record(K.PAGE_VIEW, None, bob, at(DAY, 10), ua="crawler")
    Event.objects.filter(visitor=None).update(is_bot=True)
    record(K.PAGE_VIEW, v_late, cat, at(DAY + dt.timedelta(days=1), 0, 1))  # the next day
    record(K.PAGE_VIEW, v_late, cat, at(DAY, 0, 0) - dt.timedelta(minutes=1))  # 23:59 the day before
    return {"branch": branch, "other_branch": other_branch, "ann": ann, "bob": bob, "cat": cat}


ZERO = dict.fromkeys(StaffDay.METRICS, 0)


def test_a_day_of_figures_equals_the_events_at_every_level(scene):
    rollup_day(DAY)
    ann, bob, branch = scene["ann"], scene["bob"], scene["branch"]
    assert figures(StaffDay, day=DAY, staff=ann) == ZERO | {
        "page_views": 3,
        "unique_visitors": 2,
        "scans": 2,
        "shares": 1,
        "new_customers": 2,  # first seen at 00:01 and at 23:59
        "referred_customers": 1,
        "product_clicks": 3,
        "leads": 1,
        "by_category": {"wealth": 2, "deposit": 1},
    }
    assert figures(StaffDay, day=DAY, staff=bob) == ZERO | {
        "page_views": 1,  # the bot's and the crawler's views are not counted
        "unique_visitors": 1,
        "payment_clicks": 1,
        "appointments": 1,
        "conversions": 1,
        "converted_amount": Decimal("50000.00"),
        "survey_responses": 1,
        "messages": 1,
        "campaign_actions": 1,
        "by_category": {},
    }
    # cat's events fall on the days either side of DAY, not on it.
    assert not StaffDay.objects.filter(day=DAY, staff=scene["cat"]).exists()
    assert StaffDay.objects.filter(day=DAY).count() == 2
    branch_row = figures(BranchDay, day=DAY, branch_id=branch.pk)
    assert branch_row["page_views"] == 4 and branch_row["unique_visitors"] == 3 and branch_row["leads"] == 1
    assert branch_row["by_category"] == {"wealth": 2, "deposit": 1}
    assert not BranchDay.objects.filter(day=DAY, branch_id=scene["other_branch"].pk).exists()
    bank_row = figures(BankDay, day=DAY)
    assert bank_row["page_views"] == 4 and bank_row["new_customers"] == 2
    assert bank_row["converted_amount"] == Decimal("50000.00")


def test_the_days_either_side_get_the_events_at_one_minute_past_and_to_midnight(scene):
    rollup_day(DAY - dt.timedelta(days=1))
    rollup_day(DAY + dt.timedelta(days=1))
    cat = scene["cat"]
    before = StaffDay.objects.get(day=DAY - dt.timedelta(days=1), staff=cat)
    after = StaffDay.objects.get(day=DAY + dt.timedelta(days=1), staff=cat)
    assert (before.page_views, after.page_views, after.new_customers) == (1, 1, 1)


def test_recomputing_a_day_never_double_counts_and_picks_up_corrections(scene):
    rollup_day(DAY)
    first = figures(StaffDay, day=DAY, staff=scene["ann"])
    rollup_day(DAY)
    rollup_day(DAY)
    assert figures(StaffDay, day=DAY, staff=scene["ann"]) == first
    assert StaffDay.objects.filter(day=DAY, staff=scene["ann"]).count() == 1
    # A late correction: one of ann's views was a crawler's after all.
    Event.objects.filter(staff=scene["ann"], kind="page_view", occurred_at=at(DAY, 12)).update(is_bot=True)
    call_command("insights_rollup", "--bank", "testbank", "--date", DAY.isoformat(), stdout=io.StringIO())
    assert StaffDay.objects.get(day=DAY, staff=scene["ann"]).page_views == first["page_views"] - 1
    assert BankDay.objects.get(day=DAY).page_views == 3


def test_new_events_are_pending_until_rolled_up_and_bots_are_never_pending(bank):
    manager = StaffFactory()
    today = dt.datetime.now(SH)
    v = visitor(manager, first_seen=today)
    RollupPending.objects.all().delete()
    event_record(kind=Event.Kind.PAGE_VIEW, visitor=v, staff=manager)
    event_record(kind=Event.Kind.PAGE_VIEW, staff=manager, is_bot=True)
    assert list(RollupPending.objects.values_list("day", "staff_id")) == [(today.date(), manager.pk)]
    assert rollup_pending() == 1
    assert not RollupPending.objects.exists()
    row = StaffDay.objects.get(staff=manager, day=today.date())
    assert (row.page_views, row.new_customers) == (1, 1)
    # Live: the next event updates the same row (recomputed, not added to).
    event_record(kind=Event.Kind.PAGE_VIEW, visitor=v, staff=manager)
    rollup_pending()
    assert StaffDay.objects.get(staff=manager, day=today.date()).page_views == 2
    assert BankDay.objects.get(day=today.date()).page_views >= 2


def test_a_converted_lead_counts_its_amount_on_the_day_it_converted(bank):
    manager = StaffFactory()
    v = visitor(manager, first_seen=dt.datetime.now(SH))
    lead = Lead.objects.create(
        staff=manager,
        visitor=v,
        name_encrypted="x",
        mobile_encrypted="x",
        mobile_masked="138****0000",
        phone_hash="h",
        consent=_consent(),
        consented_at=dt.datetime.now(SH),
    )
    product = ProductFactory()
    lead_status_change(
        lead=lead, status=Lead.Status.CONVERTED, actor=manager, amount=Decimal("1234.50"), product=product
    )
    rollup_pending()
    row = StaffDay.objects.get(staff=manager)
    assert (row.conversions, row.converted_amount) == (1, Decimal("1234.50"))


def _consent():
    return consent_current() or ConsentStatement.objects.create(text="同意", version=1)


def test_the_tracking_ingest_marks_its_events_pending(bank, bank_client):
    """Events written by the ingest's own SQL (not the ORM) are caught by the trigger too."""
    from insights.ingest import hits_drain

    manager = StaffFactory()
    RollupPending.objects.all().delete()
    assert bank_client.post(f"/s/{manager.code}/t", {"e": "1"}, HTTP_USER_AGENT="Mozilla/5.0 iPhone").status_code == 200
    hits_drain()
    assert RollupPending.objects.filter(staff_id=manager.pk).exists()
    rollup_pending()
    row = StaffDay.objects.get(staff=manager)
    assert (row.scans, row.page_views, row.new_customers) == (1, 1, 1)


def test_a_bank_cloned_from_the_template_has_the_trigger(other_bank):
    with schema_context(other_bank.schema_name), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relname = 'insights_event' AND t.tgname = 'insights_event_rollup_pending'",
            [other_bank.schema_name],
        )
        assert cursor.fetchone()[0] == 1


def test_the_command_refuses_bad_dates_and_unknown_banks(bank):
    with pytest.raises(CommandError, match="not a date"):
        call_command("insights_rollup", "--date", "2026-13-01")
    with pytest.raises(CommandError, match="before"):
        call_command("insights_rollup", "--from", "2026-03-02", "--to", "2026-03-01")
    with pytest.raises(CommandError, match="no bank"):
        call_command("insights_rollup", "--bank", "nosuchbank")


# --- Concurrency: events committed while rollups run are never missed --------------------------------

WRITERS = 8
EVENTS_EACH = 40


@pytest.fixture
def committed_staff(test_banks, django_db_blocker):
    bank = test_banks["testbank"]
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        manager = StaffFactory()
        try:
            yield bank, manager
        finally:
            Event.objects.filter(staff=manager).delete()
            RollupPending.objects.filter(staff_id=manager.pk).delete()
            user = manager.user
            Staff.objects.filter(pk=manager.pk).delete()  # cascades to its StaffDay rows
            user.delete()
            BranchDay.objects.filter(branch_id=manager.branch_id).delete()
            manager.branch.delete()


def test_rollups_running_while_events_commit_miss_none_of_them(committed_staff, django_db_blocker):
    bank, manager = committed_staff
    today = dt.datetime.now(SH).date()
    done = threading.Event()
    failures = []

    def write_events():
        try:
            with schema_context(bank.schema_name):
                for _ in range(EVENTS_EACH):
                    assert event_record(kind=Event.Kind.PAGE_VIEW, staff=manager) is not None
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    def roll_up_continuously():
        try:
            with schema_context(bank.schema_name):
                while not done.is_set():
                    rollup_pending()
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    with django_db_blocker.unblock():
        roller = threading.Thread(target=roll_up_continuously)
        roller.start()
        writers = [threading.Thread(target=write_events) for _ in range(WRITERS)]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join(timeout=60)
        done.set()
        roller.join(timeout=60)
        assert not failures
        with schema_context(bank.schema_name):
            rollup_pending()  # what the last concurrent run left for the next one
            assert StaffDay.objects.get(staff=manager, day=today).page_views == WRITERS * EVENTS_EACH


# --- Spans: blocks of days the leaderboards read ------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 11, 22), dt.date(2026, 11, 22)),
        (dt.date(2026, 10, 24), dt.date(2026, 11, 22)),
        (dt.date(2025, 11, 23), dt.date(2026, 11, 22)),
        (dt.date(2024, 12, 31), dt.date(2025, 12, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ],
)
def test_a_period_is_covered_by_its_days_exactly_once_with_few_rows(start, end):
    days, blocks = period_cover(start, end)
    covered = list(days)
    for level, first in blocks:
        assert span_start(first, level) == first  # aligned, so the block exists as a row
        covered += [first + dt.timedelta(days=n) for n in range(1 << level)]
    expected = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    assert sorted(covered) == expected  # every day once, none outside
    assert len(days) + len(blocks) <= 2 * len(SPAN_LEVELS) + 2  # a year: ~16 rows instead of 366


def test_spans_hold_the_sums_of_their_days_and_follow_live_changes(bank):
    manager = StaffFactory()
    first = dt.date(2026, 3, 2)
    week = [first + dt.timedelta(days=n) for n in range(8)]
    for n, day in enumerate(week, start=1):
        event_record(kind=Event.Kind.SHARE, staff=manager, occurred_at=at(day, 12))
        if n % 2:
            event_record(kind=Event.Kind.SHARE, staff=manager, occurred_at=at(day, 13))
    rollup_days(week)
    for level in SPAN_LEVELS:
        for row in StaffSpan.objects.filter(staff=manager, level=level):
            days = StaffDay.objects.filter(
                staff=manager, day__gte=row.start, day__lt=row.start + dt.timedelta(days=1 << level)
            )
            assert row.shares == sum(d.shares for d in days)
            assert (
                BranchSpan.objects.get(level=level, start=row.start, branch_id=manager.branch_id).shares == row.shares
            )
    # A live event on one of those days reaches every block above it.
    RollupPending.objects.all().delete()
    event_record(kind=Event.Kind.SHARE, staff=manager, occurred_at=at(week[3], 20))
    rollup_pending()
    top = StaffSpan.objects.get(staff=manager, level=8, start=span_start(week[0], 8))
    assert top.shares == 12 + 1


def test_leaderboards_read_from_spans_agree_with_the_days(bank):
    from insights import statistics
    from insights.statistics import Period

    hq = StaffFactory(role=Staff.Role.HQ_ADMIN)
    ann, bob = StaffFactory(), StaffFactory()
    year = [dt.date(2025, 3, 1) + dt.timedelta(days=n) for n in range(0, 400, 3)]
    for n, day in enumerate(year):
        event_record(kind=Event.Kind.SCAN, staff=ann if n % 3 else bob, occurred_at=at(day, 10))
    rollup_days(year)
    period = Period(dt.date(2025, 6, 1), dt.date(2026, 3, 31))
    board = statistics.staff_leaderboard(viewer=hq, period=period, metric="scans")
    values = {row.id: (row.value, row.previous) for row in board.rows}

    def straight(staff, p):
        return sum(StaffDay.objects.filter(staff=staff, day__range=(p.start, p.end)).values_list("scans", flat=True))

    for person in (ann, bob):
        assert values[person.pk] == (straight(person, period), straight(person, period.previous()))
    branches = statistics.branch_leaderboard(viewer=hq, period=period, metric="scans")
    assert sum(row.value for row in branches.rows) == straight(ann, period) + straight(bob, period)


def test_the_bank_wide_board_is_cached_until_the_rollups_change(bank):
    from insights import statistics
    from insights.statistics import Period

    hq, ann = StaffFactory(role=Staff.Role.HQ_ADMIN), StaffFactory()
    today = dt.datetime.now(SH).date()
    event_record(kind=Event.Kind.SCAN, staff=ann)
    rollup_pending()
    period = Period(today, today)

    def anns_scans():
        board = statistics.staff_leaderboard(viewer=hq, period=period, metric="scans")
        return next(row.value for row in board.rows if row.id == ann.pk)

    assert anns_scans() == 1
    StaffDay.objects.filter(staff=ann).update(scans=50)  # behind the rollups' back: not seen
    assert anns_scans() == 1
    event_record(kind=Event.Kind.SCAN, staff=ann)
    rollup_pending()  # the rollups changed: the board is computed afresh
    assert anns_scans() == 2
