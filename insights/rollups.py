"""Daily rollups: the per-day figures statistics read, kept in step with the events.

Every figure is recomputed from events, never incremented, so running a rollup twice (or after a
correction) gives the same rows: it cannot double count.

- Live: a statement trigger on `insights_event` (migration 0006) writes the (day, staff) of every
  new non-bot event into `RollupPending`, in the event's own transaction, whatever wrote it (the
  ingest's SQL or `event_record`; `insights_generate` skips it and rolls its days up itself).
  `rollup_pending` takes those rows with `FOR UPDATE SKIP LOCKED` (so it never waits for, nor
  misses, an event still being committed: a row locked by one is left for the next run),
  recomputes the staff-days, then their branches' and the bank's days. `manage.py insights_rollup
  --follow` runs it every 30 s.
- Any day: `rollup_day` recomputes the whole day at all three levels (`insights_rollup --date`).

Spans: ranking every staff member of a bank over a long period would read one row per person per
day (30 days x 18,000 people, twice with the previous period). `StaffSpan` and `BranchSpan` also
keep the sums over aligned blocks of 2, 4, ... 256 days, rebuilt bottom-up from the day rows
whenever a day changes; `period_cover` splits any period into the fewest blocks and days (at most
about 16 for a year), which the leaderboards read instead.

Days are Asia/Shanghai calendar days (`STATS_TIME_ZONE`). Figures per day:
  unique visitors: distinct visitors with any event that day; new customers: distinct visitors
  first seen that day (and with a referrer, for "by referral"); leads: first submissions (a repeat
  within the de-duplication window updates the same lead); conversions: `conversion` events with
  their `data.amount`.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection, transaction

from insights.models import DailyFigures

logger = logging.getLogger(__name__)

STATS_TIME_ZONE = "Asia/Shanghai"  # the trigger in migration 0006 uses the same zone
PENDING_BATCH = 20_000
SPAN_LEVELS = range(1, 9)  # blocks of 2 .. 256 days
SPAN_EPOCH = dt.date(2000, 1, 3)  # blocks of every size start on this day's multiples

_TZ = zoneinfo.ZoneInfo(STATS_TIME_ZONE)

# One aggregate over a day's non-bot events, shared by the three levels; {key} is the grouping.
_FIGURES = """
WITH ev AS (
    SELECT e.kind, e.visitor_id, e.staff_id, e.branch_id, 0 AS bank, e.data, nv.id AS new_id, nv.referrer_id
    FROM insights_event e
    LEFT JOIN insights_visitor nv
        ON nv.id = e.visitor_id AND nv.first_seen_at >= %(start)s AND nv.first_seen_at < %(end)s
    WHERE e.occurred_at >= %(start)s AND e.occurred_at < %(end)s AND NOT e.is_bot {where}
),
categories AS (
    SELECT {key_cols}, jsonb_object_agg(category, n) AS by_category FROM (
        SELECT {key_cols}, COALESCE(NULLIF(data->>'category', ''), 'other') AS category, count(*) AS n
        FROM ev WHERE kind = 'product_click' GROUP BY {key_cols}, category
    ) AS c GROUP BY {key_cols}
),
figures AS (
    SELECT {key_cols},
        count(*) FILTER (WHERE kind = 'page_view') AS page_views,
        count(DISTINCT visitor_id) AS unique_visitors,
        count(*) FILTER (WHERE kind = 'scan') AS scans,
        count(*) FILTER (WHERE kind = 'share') AS shares,
        count(DISTINCT new_id) AS new_customers,
        count(DISTINCT new_id) FILTER (WHERE referrer_id IS NOT NULL) AS referred_customers,
        count(*) FILTER (WHERE kind = 'product_click') AS product_clicks,
        count(*) FILTER (WHERE kind = 'payment_click') AS payment_clicks,
        count(*) FILTER (WHERE kind = 'lead' AND COALESCE(data->>'repeat', 'false') <> 'true') AS leads,
        count(*) FILTER (WHERE kind = 'conversion') AS conversions,
        COALESCE(sum(CASE WHEN kind = 'conversion' AND data->>'amount' ~ '^[0-9]+(\\.[0-9]+)?$'
                          THEN (data->>'amount')::numeric END), 0) AS converted_amount,
        count(*) FILTER (WHERE kind = 'appointment') AS appointments,
        count(*) FILTER (WHERE kind = 'survey_response') AS survey_responses,
        count(*) FILTER (WHERE kind = 'message') AS messages,
        count(*) FILTER (WHERE kind = 'campaign') AS campaign_actions
    FROM ev GROUP BY {key_cols}
)
INSERT INTO {table} (day{insert_keys}, page_views, unique_visitors, scans, shares, new_customers,
    referred_customers, product_clicks, product_clicks_by_category, payment_clicks, leads, conversions,
    converted_amount, appointments, survey_responses, messages, campaign_actions)
SELECT %(day)s{select_keys}, f.page_views, f.unique_visitors, f.scans, f.shares, f.new_customers,
    f.referred_customers, f.product_clicks, COALESCE(c.by_category, '{{}}'::jsonb), f.payment_clicks, f.leads,
    f.conversions, f.converted_amount, f.appointments, f.survey_responses, f.messages, f.campaign_actions
FROM figures f LEFT JOIN categories c ON {join}
"""


def _figures_sql(*, table: str, keys: list[str], where: str) -> str:
    """The statement filling `table` from one day's events grouped by `keys` (none: the bank)."""
    groups = keys or ["bank"]  # the bank's single row groups by a constant
    return _FIGURES.format(
        table=table,
        key_cols=", ".join(groups),
        insert_keys="".join(f", {k}" for k in keys),
        select_keys="".join(f", f.{k}" for k in keys),
        where=where,
        join=" AND ".join(f"c.{k} = f.{k}" for k in groups),
    )


STAFF_SQL = _figures_sql(
    table="insights_staffday", keys=["staff_id", "branch_id"], where="AND e.staff_id = ANY(%(staff)s)"
)
BRANCH_SQL = _figures_sql(table="insights_branchday", keys=["branch_id"], where="AND e.branch_id = ANY(%(branches)s)")
BANK_SQL = _figures_sql(table="insights_bankday", keys=[], where="")
# Every staff member / branch of the day at once (rollup_day).
STAFF_ALL_SQL = _figures_sql(
    table="insights_staffday", keys=["staff_id", "branch_id"], where="AND e.staff_id IS NOT NULL"
)
BRANCH_ALL_SQL = _figures_sql(table="insights_branchday", keys=["branch_id"], where="AND e.branch_id IS NOT NULL")


VERSION_KEY = "insights:rollup-version"


def rollup_version() -> str:
    """Changes whenever rollups change (per bank: cache keys carry the schema). Whatever is
    computed from rollups may be cached under it; nothing depends on the cache for correctness."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(4)
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def _rollups_changed() -> None:
    # Now, and again once committed: a reader between the two may cache what it read under the
    # first version, which the second one retires.
    cache.set(VERSION_KEY, secrets.token_hex(4), None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, secrets.token_hex(4), None), robust=True)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of `day` and of the next day, Asia/Shanghai."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=_TZ)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=_TZ)


def stats_today() -> dt.date:
    return dt.datetime.now(_TZ).date()


def _params(day: dt.date, **extra) -> dict:
    start, end = day_bounds(day)
    return {"day": day, "start": start, "end": end, **extra}


def rollup_day(day: dt.date) -> None:
    """Recompute every figure of `day` (staff, branch and bank rows, and the blocks containing it)
    from its events. Idempotent."""
    rollup_days([day])


@transaction.atomic
def _day_recompute(day: dt.date) -> None:
    params = _params(day)
    with connection.cursor() as cursor:
        # Whatever was pending for this day is covered by this recompute.
        cursor.execute("DELETE FROM insights_rolluppending WHERE day = %s", [day])
        for table, sql in (
            ("insights_staffday", STAFF_ALL_SQL),
            ("insights_branchday", BRANCH_ALL_SQL),
            ("insights_bankday", BANK_SQL),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE day = %s", [day])
            cursor.execute(sql, params)


def rollup_days(days: Iterable[dt.date]) -> int:
    """Recompute each day (each in its own transaction), then every block containing one of them
    (each block once, however many of its days changed); how many days."""
    days = sorted(set(days))
    for day in days:
        _day_recompute(day)
    spans_rebuild(days)
    return len(days)


def spans_rebuild(days: Iterable[dt.date]) -> None:
    """Rebuild every block containing one of `days` from the day rows (after writing day rows
    directly, e.g. an import of figures from another system)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _spans_recompute(cursor, days)
        _rollups_changed()


def rollup_pending(*, batch: int = PENDING_BATCH) -> int:
    """Recompute the staff-days new events touched since the last run, then their branches' and the
    bank's days. Returns how many staff-days were recomputed (0 when another run holds the lock)."""
    with transaction.atomic(), connection.cursor() as cursor:
        # One run per bank at a time; a second one simply returns.
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':insights_rollup'))")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            """DELETE FROM insights_rolluppending WHERE id IN (
                   SELECT id FROM insights_rolluppending ORDER BY day LIMIT %s FOR UPDATE SKIP LOCKED)
               RETURNING day, staff_id""",
            [batch],
        )
        by_day: dict[dt.date, set[int]] = defaultdict(set)
        for day, staff_id in cursor.fetchall():
            by_day[day].add(staff_id)
        for day, staff_ids in sorted(by_day.items()):
            _staff_days_recompute(cursor, day, sorted(s for s in staff_ids if s))
        if by_day:
            _rollups_changed()
        return sum(len(s) for s in by_day.values())


def _staff_days_recompute(cursor, day: dt.date, staff_ids: list[int]) -> None:
    branches: set[int] = set()
    if staff_ids:
        cursor.execute(
            "DELETE FROM insights_staffday WHERE day = %s AND staff_id = ANY(%s) RETURNING branch_id",
            [day, staff_ids],
        )
        branches.update(row[0] for row in cursor.fetchall())
        cursor.execute(STAFF_SQL + " RETURNING branch_id", _params(day, staff=staff_ids))
        branches.update(row[0] for row in cursor.fetchall())
    if branches:
        cursor.execute("DELETE FROM insights_branchday WHERE day = %s AND branch_id = ANY(%s)", [day, list(branches)])
        cursor.execute(BRANCH_SQL, _params(day, branches=list(branches)))
    cursor.execute("DELETE FROM insights_bankday WHERE day = %s", [day])
    cursor.execute(BANK_SQL, _params(day))
    _spans_recompute(cursor, [day], staff_ids=staff_ids, branch_ids=sorted(branches))


# --- Spans: aligned blocks of days -----------------------------------------------------------------


def span_start(day: dt.date, level: int) -> dt.date:
    """The first day of the block of 2^level days containing `day`."""
    offset = (day - SPAN_EPOCH).days
    return SPAN_EPOCH + dt.timedelta(days=offset - offset % (1 << level))


def period_cover(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[tuple[int, dt.date]]]:
    """The days `start`..`end` (both included) as single days and (level, start) blocks: greedily
    the largest aligned block that fits, so at most two of each size are ever needed."""
    days, blocks = [], []
    day = start
    while day <= end:
        level = 0
        for candidate in reversed(SPAN_LEVELS):
            size = 1 << candidate
            if span_start(day, candidate) == day and day + dt.timedelta(days=size - 1) <= end:
                level = candidate
                break
        if level:
            blocks.append((level, day))
            day += dt.timedelta(days=1 << level)
        else:
            days.append(day)
            day += dt.timedelta(days=1)
    return days, blocks


_SUMS = ", ".join(f"SUM({m})" for m in DailyFigures.METRICS)
_COLUMNS = ", ".join(DailyFigures.METRICS)

# A block at `level` is the sum of its two halves: day rows for level 1, blocks of level-1 above.
_SPAN_FROM_DAYS = """
INSERT INTO {span} (level, start, {keys}, product_clicks_by_category, {columns})
SELECT 1, %(start)s, {keys}, '{{}}'::jsonb, {sums}
FROM {day} WHERE day >= %(start)s AND day < %(end)s {where} GROUP BY {keys}
"""
_SPAN_FROM_SPANS = """
INSERT INTO {span} (level, start, {keys}, product_clicks_by_category, {columns})
SELECT %(level)s, %(start)s, {keys}, '{{}}'::jsonb, {sums}
FROM {span} WHERE level = %(level)s - 1 AND start >= %(start)s AND start < %(end)s {where} GROUP BY {keys}
"""
_SPAN_TABLES = {
    "staff": ("insights_staffday", "insights_staffspan", "staff_id, branch_id", "staff_id"),
    "branch": ("insights_branchday", "insights_branchspan", "branch_id", "branch_id"),
}


def _spans_recompute(cursor, days: Iterable[dt.date], *, staff_ids=None, branch_ids=None) -> None:
    """Rebuild, bottom-up, every block containing one of `days`, for the given staff and branches
    (None: all of them)."""
    days = set(days)
    for level in SPAN_LEVELS:
        starts = sorted({span_start(day, level) for day in days})
        for start in starts:
            end = start + dt.timedelta(days=1 << level)
            for which, ids in (("staff", staff_ids), ("branch", branch_ids)):
                day_table, span_table, keys, id_column = _SPAN_TABLES[which]
                if ids is not None and not ids:
                    continue
                where = f"AND {id_column} = ANY(%(ids)s)" if ids is not None else ""
                params = {"level": level, "start": start, "end": end, "ids": list(ids or [])}
                cursor.execute(
                    f"DELETE FROM {span_table} WHERE level = %(level)s AND start = %(start)s {where}", params
                )
                template = _SPAN_FROM_DAYS if level == 1 else _SPAN_FROM_SPANS
                sql = template.format(
                    span=span_table, day=day_table, keys=keys, columns=_COLUMNS, sums=_SUMS, where=where
                )
                cursor.execute(sql, params)
