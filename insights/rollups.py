"""Daily rollups: the per-day figures statistics read, kept in step with the events.

Every figure is recomputed from events, never incremented, so running a rollup twice (or after a
correction) gives the same rows: it cannot double count.

- Live: a statement trigger on `insights_event` (migration 0006) writes the (day, staff) of every
  new non-bot event into `RollupPending`, in the event's own transaction, whatever wrote it (the
  ingest's SQL, `event_record`, the generator). `rollup_pending` takes those rows with
  `FOR UPDATE SKIP LOCKED` (so it never waits for, nor misses, an event still being committed: a
  row locked by one is left for the next run), recomputes the staff-days, then their branches' and
  the bank's days. `manage.py insights_rollup --follow` runs it every 30 s.
- Any day: `rollup_day` recomputes the whole day at all three levels (`insights_rollup --date`).

Days are Asia/Shanghai calendar days (`STATS_TIME_ZONE`). Figures per day:
  unique visitors: distinct visitors with any event that day; new customers: distinct visitors
  first seen that day (and with a referrer, for "by referral"); leads: first submissions (a repeat
  within the de-duplication window updates the same lead); conversions: `conversion` events with
  their `data.amount`.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

logger = logging.getLogger(__name__)

STATS_TIME_ZONE = "Asia/Shanghai"  # the trigger in migration 0006 uses the same zone
PENDING_BATCH = 20_000

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


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of `day` and of the next day, Asia/Shanghai."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=_TZ)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=_TZ)


def stats_today() -> dt.date:
    return dt.datetime.now(_TZ).date()


def _params(day: dt.date, **extra) -> dict:
    start, end = day_bounds(day)
    return {"day": day, "start": start, "end": end, **extra}


@transaction.atomic
def rollup_day(day: dt.date) -> None:
    """Recompute every figure of `day` (staff, branch and bank rows) from its events. Idempotent."""
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
    """`rollup_day` for each day (each in its own transaction); how many days."""
    count = 0
    for day in days:
        rollup_day(day)
        count += 1
    return count


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
