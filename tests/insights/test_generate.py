"""The activity generator (benchmarks): the requested shape, consistent visitors, and the same rows
for the same seed. Small scale; the 10M-event run is `make bench`'s `stats` case."""

import datetime as dt
import io
import zoneinfo
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from insights.generate import GenerateError, activity_generate
from insights.models import BankDay, Event, RollupPending, StaffDay, Visitor
from org.models import Staff
from tests.factories import BranchFactory, StaffFactory

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 30)  # a Tuesday, in the past
DAYS = 28
EVENTS = 4000


@pytest.fixture
def staff(bank):
    branches = [BranchFactory() for _ in range(3)]
    return [StaffFactory(branch=branches[i % 3]) for i in range(30)]


def generate(seed=7, events=EVENTS, days=DAYS, today=TODAY):
    return activity_generate(today=today, days=days, events=events, seed=seed)


def fingerprint() -> list[tuple]:
    """Everything the generator decided, in order (ids aside: sequences move on between runs)."""
    return list(
        Event.objects.order_by("occurred_at", "kind", "visitor__token", "staff_id", "data").values_list(
            "kind",
            "occurred_at",
            "staff_id",
            "branch_id",
            "is_bot",
            "data",
            "visitor__token",
            "visitor__referrer__token",
        )
    )


def test_the_requested_number_of_events_over_the_window_with_bots_apart(staff):
    result = generate()
    assert result.events == EVENTS == Event.objects.count()
    first = dt.datetime.combine(TODAY - dt.timedelta(days=DAYS - 1), dt.time(0), tzinfo=SH)
    last = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(0), tzinfo=SH)
    assert not Event.objects.exclude(occurred_at__gte=first, occurred_at__lt=last).exists()
    assert {e.astimezone(SH).date() for e in Event.objects.values_list("occurred_at", flat=True)} == set(result.days)
    bots = Event.objects.filter(is_bot=True)
    assert bots.count() == EVENTS // 100
    assert not bots.filter(visitor__isnull=False).exists()
    assert set(bots.values_list("kind", flat=True)) <= {"scan", "page_view"}
    assert not Event.objects.filter(is_bot=False, visitor__isnull=True).exists()


def test_kinds_follow_the_mix_page_views_far_ahead(staff):
    generate(events=10000, days=10)
    counts = Counter(Event.objects.values_list("kind", flat=True))
    order = ["page_view", "scan", "product_click", "share", "payment_click", "lead"]
    assert [counts[k] for k in order] == sorted((counts[k] for k in order), reverse=True)
    assert counts["page_view"] > 2.5 * counts["scan"]
    assert counts["lead"] > max(counts["appointment"], counts["survey_response"], counts["message"])
    assert 0 < counts["conversion"] < counts["lead"] / 2  # a few leads convert
    clicks = Event.objects.filter(kind="product_click")
    assert {c["category"] for c in clicks.values_list("data", flat=True)} <= {
        "wealth",
        "deposit",
        "loan",
        "insurance",
        "fund",
        "credit_card",
    }
    assert not clicks.exclude(object_type="product").exists()
    amounts = [Decimal(d["amount"]) for d in Event.objects.filter(kind="conversion").values_list("data", flat=True)]
    assert amounts and all(Decimal("1000") <= a <= Decimal("5000000") for a in amounts)


def test_visitors_agree_with_their_events(staff):
    generate()
    visitors = list(Visitor.objects.all())
    assert visitors and len(visitors) == EVENTS // 8
    by_visitor = {}
    for e in Event.objects.filter(is_bot=False).order_by("occurred_at", "-kind"):
        by_visitor.setdefault(e.visitor_id, []).append(e)
    branch_of = dict(Staff.objects.values_list("id", "branch_id"))
    for v in visitors:
        events = by_visitor[v.pk]
        # Their first visit is a scan and a page view when they were first seen, on their manager's page.
        assert (events[0].kind, events[0].occurred_at) == ("scan", v.first_seen_at)
        assert all(e.occurred_at >= v.first_seen_at for e in events)
        assert v.first_staff_id == v.owner_id and v.owned_since == v.first_seen_at
        assert {(e.staff_id, e.branch_id, e.page_staff_id) for e in events} == {
            (v.owner_id, branch_of[v.owner_id], v.owner_id)
        }
        assert v.last_seen_at == events[-1].occurred_at
        assert v.visits == sum(e.kind == "scan" for e in events)
        assert bool(v.phone_masked) == any(e.kind == "lead" for e in events)
        if v.referrer_id:
            # Brought by an earlier customer's share link: the sharer's manager's customer.
            assert v.source == "share"
            assert v.referrer.first_seen_at <= v.first_seen_at and v.referrer.owner_id == v.owner_id
        else:
            assert v.source == "scan"
    referred = sum(1 for v in visitors if v.referrer_id)
    assert 0.1 * len(visitors) < referred < 0.3 * len(visitors)


def test_activity_is_skewed_with_a_few_stars_and_weekday_and_daytime_peaks(staff):
    generate(events=10000, days=28)
    per_staff = sorted(
        Event.objects.filter(is_bot=False).values("staff").annotate(n=Count("id")).values_list("n", flat=True),
        reverse=True,
    )
    top_tenth = sum(per_staff[: max(1, len(staff) // 10)])
    assert top_tenth > 0.25 * sum(per_staff)  # 10% of staff bring over a quarter of the activity
    by_day = Counter(e.astimezone(SH).date() for e in Event.objects.values_list("occurred_at", flat=True))
    weekday = [n for d, n in by_day.items() if d.weekday() < 5]
    weekend = [n for d, n in by_day.items() if d.weekday() >= 5]
    assert sum(weekday) / len(weekday) > 1.15 * sum(weekend) / len(weekend)
    by_hour = Counter(e.astimezone(SH).hour for e in Event.objects.values_list("occurred_at", flat=True))
    assert by_hour[10] + by_hour[21] > 10 * (by_hour[2] + by_hour[3])


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(staff):
    generate(seed=11, events=1500)
    first = fingerprint()
    Event.objects.all().delete()
    Visitor.objects.all().delete()
    generate(seed=11, events=1500)
    assert fingerprint() == first
    Event.objects.all().delete()
    Visitor.objects.all().delete()
    generate(seed=12, events=1500)
    assert fingerprint() != first


def test_a_window_that_already_has_events_is_refused(staff):
    generate(events=500, days=5)
    with pytest.raises(GenerateError):
        generate(events=500, days=2)  # overlaps the end of the first window
    assert Event.objects.count() == 500
    generate(events=300, days=3, today=TODAY - dt.timedelta(days=5))  # the days just before are free
    assert Event.objects.count() == 800


def test_the_command_imports_an_organisation_generates_and_rolls_every_day_up(bank):
    out = io.StringIO()
    call_command(
        "insights_generate",
        bank="testbank",
        branches=6,
        staff=40,
        events=3000,
        days=10,
        seed=3,
        today=TODAY,
        verbosity=0,
        stdout=out,
    )
    assert Staff.objects.count() >= 40 and Event.objects.count() == 3000
    days = {TODAY - dt.timedelta(days=i) for i in range(10)}
    assert set(BankDay.objects.values_list("day", flat=True)) == days
    assert not RollupPending.objects.filter(day__in=days).exists()
    # The rollups count what the events say (bots never count).
    page_views = Event.objects.filter(kind="page_view", is_bot=False).count()
    assert BankDay.objects.aggregate(n=Sum("page_views"))["n"] == page_views
    assert StaffDay.objects.aggregate(n=Sum("page_views"))["n"] == page_views
    assert "insights_event" in out.getvalue() and "rolled up 10 days" in out.getvalue()


def test_the_command_refuses_a_future_day_and_an_unknown_bank_name_it_cannot_create(bank):
    with pytest.raises(CommandError, match="future"):
        call_command("insights_generate", bank="testbank", today=dt.date.today() + dt.timedelta(days=2), verbosity=0)
    with pytest.raises(CommandError):
        call_command("insights_generate", bank="Not A Slug", events=10, days=1, verbosity=0)
