"""Generated activity at scale: visitors and events with a believable shape, for benchmarks.

`activity_generate` fills the current bank's schema with a year (or any window) of customers and
what they did, the way the real tracking path would have recorded it, but written by PostgreSQL
itself (`INSERT … SELECT … FROM generate_series(…)`, one day per statement), where building ORM
objects would take hours. Measured: 10 million events and 1.25 million visitors in 28 minutes on the
shared 2-core machine while others ran tests (≈ 7,000 events/s; most of it is maintaining the event
table's nine indexes, ≈ 30 µs a row); the final pass over the visitors takes ≈ 3.5 of those minutes.
Used by `manage.py insights_generate` and `benchmarks/stats.py`; never by the running site.

The shape:
- staff: activity weights from a log-normal law (a few stars, many quiet, some nearly idle);
  head-office admins and branch heads market less than account managers;
- days: weekdays busier than weekends, slow growth over the window, a push at the end of each
  quarter (the banks' targets); hours: quiet nights, peaks mid-morning, mid-afternoon and evening;
- visitors: one in eight events brings a new customer (a scan and a page view at their first
  visit); a fifth of them arrive through an earlier customer's share link and then belong to that
  customer's manager (first_staff = owner, source "share", referrer set); later events pick earlier
  customers, most often recent ones, and never happen before the customer's first visit;
- kinds: page_view ≫ scan > product_click > share > payment_click > lead > appointment,
  survey_response, message > conversion; product clicks carry {"category": …}, conversions
  {"amount": "…"}; 1% of events are bots' (no visitor, is_bot true), as crawlers are recorded.

Randomness comes from `hashint8extended(n, seed)`, a pure function of the event's number and the
seed, so the same arguments give the same rows whatever plan PostgreSQL picks.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from insights.models import Event

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_VISITOR_SHARE = 1 / 8  # one event in eight is a new customer's first page view (with its scan)
BOT_SHARE = 0.01
REFERRED_SHARE = 0.2  # new customers who came through another customer's share link
STAFF_SLOTS = 100_000  # staff are drawn from this many slots, each staff member's share by weight
USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Mobile/15E148 MicroMessenger/8.0.49(0x18003129) NetType/WIFI Language/zh_CN"
)

# Events of returning customers, per mille (a first visit adds a scan and a page view on top).
RETURN_KINDS = (
    (Event.Kind.PAGE_VIEW, 591),
    (Event.Kind.SCAN, 80),
    (Event.Kind.PRODUCT_CLICK, 140),
    (Event.Kind.SHARE, 80),
    (Event.Kind.PAYMENT_CLICK, 55),
    (Event.Kind.LEAD, 20),
    (Event.Kind.APPOINTMENT, 8),
    (Event.Kind.SURVEY_RESPONSE, 8),
    (Event.Kind.MESSAGE, 8),
    (Event.Kind.CAMPAIGN, 6),
    (Event.Kind.CONVERSION, 4),
)
PRODUCT_CATEGORIES = (
    ("wealth", 35),
    ("deposit", 25),
    ("loan", 15),
    ("insurance", 10),
    ("fund", 10),
    ("credit_card", 5),
)
PRODUCTS_PER_CATEGORY = 8
# Share of a day's customer activity in each Shanghai hour (per mille-ish; normalised below).
HOUR_WEIGHTS = (4, 2, 1, 1, 1, 3, 8, 22, 45, 70, 82, 78, 55, 52, 66, 74, 70, 60, 52, 66, 80, 82, 62, 30)
WEEKDAY_WEIGHTS = (1.0, 1.02, 1.0, 0.98, 1.05, 0.72, 0.64)  # Monday … Sunday


@dataclass
class DayPlan:
    day: date
    start: datetime  # 00:00 Shanghai, aware
    span_seconds: float  # 86,400, or up to now for today
    new_visitors: int
    returns: int
    bots: int

    @property
    def events(self) -> int:
        return 2 * self.new_visitors + self.returns + self.bots


@dataclass
class GenerateResult:
    days: list[date]
    visitors: int = 0
    events: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)


class GenerateError(Exception):
    """The bank cannot take generated activity for this window (said in the message)."""


def _spread(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, in whole numbers that add up (largest remainder)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [total * w / whole for w in weights]
    counts = [math.floor(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def day_weights(days: list[date], *, seed: int) -> list[float]:
    """How busy each day is, relative to the others."""
    rng = random.Random(f"days:{seed}")
    weights = []
    for index, day in enumerate(days):
        growth = 0.75 + 0.5 * index / max(1, len(days) - 1)  # the platform catches on over the window
        quarter_end = day.month in (3, 6, 9, 12) and day.day >= 24
        push = 1.35 if quarter_end else 1.0
        weights.append(WEEKDAY_WEIGHTS[day.weekday()] * growth * push * rng.uniform(0.85, 1.15))
    return weights


def day_plans(*, today: date, days: int, events: int, seed: int, now: datetime | None = None) -> list[DayPlan]:
    """How many new visitors, returning events and bot events each day of the window gets.

    The totals add up to `events` exactly. When `today` is the real today, its events fit between
    midnight and `now` (nothing is dated in the future)."""
    window = [today - timedelta(days=days - 1 - i) for i in range(days)]
    weights = day_weights(window, seed=seed)
    bots = round(events * BOT_SHARE)
    visitors = max(1, round(events * NEW_VISITOR_SHARE)) if events >= 2 else 0
    returns = events - bots - 2 * visitors
    if returns < 0:
        visitors, returns = events // 2, events % 2
        bots = 0
    new_by_day = _spread(visitors, weights)
    returns_by_day = _spread(returns, weights)
    bots_by_day = _spread(bots, weights)
    # Returning customers need someone to return: move returns of days before the first visitor on.
    seen, carried = 0, 0
    for i in range(len(window)):
        seen += new_by_day[i]
        if seen == 0:
            carried += returns_by_day[i]
            returns_by_day[i] = 0
        else:
            returns_by_day[i] += carried
            carried = 0
    if carried:  # nobody arrived at all: the rest are bots'
        bots_by_day[-1] += carried
    now = now or timezone.now()
    plans = []
    for i, day in enumerate(window):
        start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
        span = min(86400.0, (now - start).total_seconds())
        if span <= 0:
            raise GenerateError(f"{day} is in the future")
        plans.append(
            DayPlan(
                day=day,
                start=start,
                span_seconds=max(span, 60.0),
                new_visitors=new_by_day[i],
                returns=returns_by_day[i],
                bots=bots_by_day[i],
            )
        )
    return plans


def staff_slots(*, seed: int) -> tuple[list[int], list[int]]:
    """Every active staff member's id repeated in proportion to how active they are (and their
    branch ids alongside): drawing a slot at random draws a staff member by weight."""
    from org.models import Staff

    rng = random.Random(f"staff:{seed}")
    rows = list(
        Staff.objects.filter(left_at__isnull=True).order_by("employee_no").values_list("id", "branch_id", "role")
    )
    if not rows:
        raise GenerateError("the bank has no staff: import its organisation first")
    weights = []
    for _id, _branch, role in rows:
        weight = rng.lognormvariate(0, 1.1)  # a long tail of stars
        if rng.random() < 0.12:
            weight *= 0.05  # quiet: barely share their page
        if role == Staff.Role.HQ_ADMIN:
            weight *= 0.1
        elif role == Staff.Role.BRANCH_HEAD:
            weight *= 0.6
        weights.append(weight)
    counts = _spread(STAFF_SLOTS, weights)
    staff_ids, branch_ids = [], []
    for (staff_id, branch_id, _role), count in zip(rows, counts, strict=True):
        staff_ids.extend([staff_id] * count)
        branch_ids.extend([branch_id] * count)
    return staff_ids, branch_ids


def _slots(pairs) -> list:
    """[(value, count), …] → each value repeated count times: an index drawn at random draws by weight."""
    return [value for value, count in pairs for _ in range(count)]


def _rnd(n: str, salt: int) -> str:
    """SQL for a uniform number in [0, 1) that depends only on `n`, the seed and `salt`."""
    return f"((hashint8extended(({n})::bigint, %(seed)s::bigint * 100 + {salt}) & 2147483647)::float8 / 2147483648.0)"


# The hour of day as a fraction of the day, from an array of 1,000 slots weighted by HOUR_WEIGHTS.
def _day_fraction(n: str, salt: int) -> str:
    return f"((%(hours)s::int[])[1 + floor({_rnd(n, salt)} * 1000)::int] + {_rnd(n, salt + 1)}) / 24.0"


VISITORS_INSERT = f"""
WITH drawn AS (
    SELECT n,
           %(start)s::timestamptz + make_interval(secs => {_day_fraction("n", 1)} * %(span)s) AS at,
           1 + floor({_rnd("n", 3)} * %(slot_count)s)::int AS slot,
           CASE WHEN %(known)s > 0 AND {_rnd("n", 4)} < %(referred)s
                THEN %(known)s - floor(%(known)s * power({_rnd("n", 5)}, 2))::bigint END AS referrer_k
    FROM generate_series(%(n0)s::bigint, %(n1)s::bigint) AS n
),
rows AS (
    SELECT d.n, d.at,
           'g' || left(md5(%(tag)s || ':v:' || d.n), 23) AS token,
           left(md5(%(tag)s || ':s:' || d.n), 16) AS share_code,
           left(md5(%(tag)s || ':i:' || (d.n / 3)), 16) AS ip_hash,
           COALESCE(r.owner_id, slot.staff_id) AS owner_id,
           r.id AS referrer_id
    FROM drawn d
    JOIN gen_slot slot ON slot.slot = d.slot
    LEFT JOIN gen_visitor r ON r.k = d.referrer_k
),
inserted AS (
    INSERT INTO insights_visitor
        (token, share_code, owner_id, owned_since, first_staff_id, source, referrer_id, is_bot, ip_hash,
         user_agent, phone_masked, first_seen_at, last_seen_at, visits)
    SELECT token, share_code, owner_id, at, owner_id, CASE WHEN referrer_id IS NULL THEN 'scan' ELSE 'share' END,
           referrer_id, false, ip_hash, %(user_agent)s, '', at, at, 1
    FROM rows ORDER BY at, n
    RETURNING id, owner_id, first_seen_at
)
INSERT INTO gen_visitor (k, id, owner_id, branch_id, first_seen_at)
SELECT %(k0)s + row_number() OVER (ORDER BY i.id), i.id, i.owner_id, s.branch_id, i.first_seen_at
FROM inserted i JOIN org_staff s ON s.id = i.owner_id
"""

_EVENT_COLUMNS = (
    "(kind, occurred_at, visitor_id, staff_id, branch_id, page_staff_id, object_type, object_id, is_bot, data)"
)

EVENTS_INSERT = f"""
WITH returning_drawn AS (
    SELECT n,
           %(known)s - floor(%(known)s * power({_rnd("n", 11)}, 3))::bigint AS k,
           %(start)s::timestamptz + make_interval(secs => {_day_fraction("n", 12)} * %(span)s) AS at,
           (%(kinds)s::text[])[1 + floor({_rnd("n", 14)} * 1000)::int] AS kind,
           (%(categories)s::text[])[1 + floor({_rnd("n", 15)} * 100)::int] AS category
    FROM generate_series(%(e0)s::bigint, %(e1)s::bigint) AS n
),
returning_events AS (
    SELECT d.n, d.kind,
           CASE WHEN d.at > v.first_seen_at THEN d.at
                ELSE v.first_seen_at + (%(end)s::timestamptz - v.first_seen_at) * {_rnd("d.n", 16)} END AS at,
           v.id AS visitor_id, v.owner_id, v.branch_id,
           CASE WHEN d.kind = 'product_click' THEN 'product' ELSE '' END AS object_type,
           CASE WHEN d.kind = 'product_click'
                THEN (array_position(%(category_names)s::text[], d.category) * {PRODUCTS_PER_CATEGORY}
                      - floor({_rnd("d.n", 17)} * {PRODUCTS_PER_CATEGORY})::int)::text
                ELSE '' END AS object_id,
           false AS is_bot,
           CASE d.kind
               WHEN 'product_click' THEN jsonb_build_object('category', d.category)
               WHEN 'conversion' THEN jsonb_build_object('amount', to_char(
                   least(5000000, greatest(1000, 50000 * exp(1.0 * sqrt(-2 * ln(1 - {_rnd("d.n", 18)}))
                         * cos(2 * pi() * {_rnd("d.n", 19)})))), 'FM9999990.00'))
               ELSE '{{}}'::jsonb END AS data
    FROM returning_drawn d JOIN gen_visitor v ON v.k = d.k
),
first_visits AS (
    SELECT v.k AS n, kind, v.first_seen_at AS at, v.id AS visitor_id, v.owner_id, v.branch_id,
           '' AS object_type, '' AS object_id, false AS is_bot, '{{}}'::jsonb AS data
    FROM gen_visitor v CROSS JOIN (VALUES ('scan'), ('page_view')) AS entry(kind)
    WHERE v.k > %(k0)s AND v.k <= %(known)s
),
bots AS (
    SELECT n, CASE WHEN {_rnd("n", 21)} < 0.5 THEN 'scan' ELSE 'page_view' END AS kind,
           %(start)s::timestamptz + make_interval(secs => {_rnd("n", 22)} * %(span)s) AS at,
           NULL::bigint AS visitor_id, slot.staff_id AS owner_id, slot.branch_id,
           '' AS object_type, '' AS object_id, true AS is_bot, '{{}}'::jsonb AS data
    FROM generate_series(%(b0)s::bigint, %(b1)s::bigint) AS n
    JOIN gen_slot slot ON slot.slot = 1 + floor({_rnd("n", 23)} * %(slot_count)s)::int
)
INSERT INTO insights_event {_EVENT_COLUMNS}
SELECT kind, at, visitor_id, owner_id, branch_id, owner_id, object_type, object_id, is_bot, data
FROM (
    SELECT * FROM first_visits
    UNION ALL SELECT * FROM returning_events
    UNION ALL SELECT * FROM bots
) AS day_events
ORDER BY at, kind DESC, n
"""

# Once at the end: what the visitors' rows say about their visits agrees with their events.
VISITORS_FINISH = """
UPDATE insights_visitor v SET
    last_seen_at = a.last_seen_at,
    visits = a.visits,
    phone_masked = CASE WHEN a.leads > 0
        THEN (ARRAY['138', '139', '186', '135', '159', '177'])[1 + (v.id %% 6)] || '****'
             || lpad((v.id * 7919 %% 10000)::text, 4, '0')
        ELSE '' END
FROM (
    SELECT visitor_id, max(occurred_at) AS last_seen_at, count(*) FILTER (WHERE kind = 'scan') AS visits,
           count(*) FILTER (WHERE kind = 'lead') AS leads
    FROM insights_event
    WHERE visitor_id BETWEEN %(first)s AND %(last)s
    GROUP BY visitor_id
) AS a
WHERE v.id = a.visitor_id
"""


def _session_tune() -> Callable[[], None]:
    """Make this session write fast; returns what undoes it.

    `session_replication_role = replica` skips user triggers (the rollup-pending trigger: every
    generated day is rolled up afterwards anyway) and foreign-key checks (the rows are built from
    existing staff and visitors) for this session only; it needs a superuser, and without one the
    triggers simply run. Commits need not wait for the disk: this is generated data."""
    tuned = []
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '64MB'")  # a day's rows sort in memory
        tuned += ["synchronous_commit", "work_mem"]
        try:
            with transaction.atomic():
                cursor.execute("SET session_replication_role = replica")
            tuned.append("session_replication_role")
        except Exception:  # not a superuser
            pass

    def undo() -> None:
        with connection.cursor() as cursor:
            for name in tuned:
                cursor.execute(f"RESET {name}")

    return undo


def activity_generate(
    *,
    today: date,
    days: int,
    events: int,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> GenerateResult:
    """Generate `events` events (exactly) over the `days` days ending with `today`, in the current
    bank's schema, with the visitors they belong to. Refuses a window that already has events, so
    nothing is ever counted twice. `progress(n)` is called with the events written since its last call."""
    if days < 1 or events < 0:
        raise GenerateError("days must be at least 1 and events at least 0")
    started = timezone.now()
    plans = day_plans(today=today, days=days, events=events, seed=seed, now=now)
    window_start, window_end = plans[0].start, plans[-1].start + timedelta(days=1)
    if Event.objects.filter(occurred_at__gte=window_start, occurred_at__lt=window_end).exists():
        raise GenerateError(
            f"the bank already has events between {plans[0].day} and {plans[-1].day}: generate into another bank"
            " or another window"
        )
    staff, branches = staff_slots(seed=seed)
    hours = _slots(enumerate(_spread(1000, list(HOUR_WEIGHTS))))
    kinds = _slots((str(kind.value), count) for kind, count in RETURN_KINDS)
    categories = _slots(PRODUCT_CATEGORIES)
    assert len(kinds) == 1000 and len(categories) == 100
    base = {
        "seed": seed,
        "tag": f"{seed}:{plans[0].day.isoformat()}",
        "slot_count": len(staff),
        "hours": hours,
        "kinds": kinds,
        "categories": categories,
        "category_names": [name for name, _weight in PRODUCT_CATEGORIES],
        "referred": REFERRED_SHARE,
        "user_agent": USER_AGENT,
    }
    result = GenerateResult(days=[plan.day for plan in plans])
    undo = _session_tune()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS gen_visitor (k bigint PRIMARY KEY, id bigint NOT NULL,"
                " owner_id bigint NOT NULL, branch_id bigint NOT NULL, first_seen_at timestamptz NOT NULL)"
            )
            cursor.execute("TRUNCATE gen_visitor")
            # Staff drawn by weight: slot → staff member (a join beats a 100,000-element array literal
            # in every statement).
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS gen_slot (slot int PRIMARY KEY, staff_id bigint NOT NULL,"
                " branch_id bigint NOT NULL)"
            )
            cursor.execute("TRUNCATE gen_slot")
            cursor.execute(
                "INSERT INTO gen_slot SELECT ordinality, staff_id, branch_id"
                " FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS t(staff_id, branch_id)",
                [staff, branches],
            )
            cursor.execute("ANALYZE gen_slot")
        known, returns_done, bots_done = 0, 0, 0
        # A month's days per transaction: a failure leaves whole months, and locks stay short.
        for month_start in range(0, len(plans), 31):
            with transaction.atomic(), connection.cursor() as cursor:
                for plan in plans[month_start : month_start + 31]:
                    params = {
                        **base,
                        "start": plan.start,
                        "span": plan.span_seconds,
                        "end": plan.start + timedelta(seconds=plan.span_seconds),
                    }
                    if plan.new_visitors:
                        cursor.execute(
                            VISITORS_INSERT,
                            {**params, "known": known, "k0": known, "n0": known + 1, "n1": known + plan.new_visitors},
                        )
                    k0, known = known, known + plan.new_visitors
                    cursor.execute(
                        EVENTS_INSERT,
                        {
                            **params,
                            "k0": k0,
                            "known": known,
                            "e0": returns_done + 1,
                            "e1": returns_done + plan.returns,
                            "b0": bots_done + 1,
                            "b1": bots_done + plan.bots,
                        },
                    )
                    returns_done += plan.returns
                    bots_done += plan.bots
                    result.events += plan.events
                    if progress:
                        progress(plan.events)
        result.visitors = known
        if known:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT min(id), max(id) FROM gen_visitor")
                first, last = cursor.fetchone()
                cursor.execute(VISITORS_FINISH, {"first": first, "last": last})
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS gen_visitor, gen_slot")
            cursor.execute("ANALYZE insights_visitor")
            cursor.execute("ANALYZE insights_event")
    finally:
        undo()
    result.seconds = (timezone.now() - started).total_seconds()
    return result


TABLE_SIZES = """
SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid)
FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
  AND c.relname = ANY(%s)
ORDER BY pg_total_relation_size(c.oid) DESC
"""
INDEX_SIZES = """
SELECT i.relname, pg_relation_size(i.oid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = 'insights_event'::regclass
ORDER BY pg_relation_size(i.oid) DESC
"""
SIZED_TABLES = [
    "insights_event",
    "insights_visitor",
    "insights_staffday",
    "insights_branchday",
    "insights_bankday",
    "insights_staffspan",
    "insights_branchspan",
]


@dataclass
class TableSize:
    name: str
    rows: int
    table_bytes: int
    index_bytes: int
    total_bytes: int


def table_sizes() -> tuple[list[TableSize], list[tuple[str, int]]]:
    """Sizes of the event, visitor and rollup tables (rows estimated by ANALYZE), and of each index
    of insights_event, in the current schema: the figures behind the event table's growth plan."""
    with connection.cursor() as cursor:
        for name in SIZED_TABLES[2:]:
            cursor.execute(f"ANALYZE {name}")
        cursor.execute(TABLE_SIZES, [SIZED_TABLES])
        tables = [TableSize(*row) for row in cursor.fetchall()]
        cursor.execute(INDEX_SIZES)
        indexes = cursor.fetchall()
    return tables, indexes
