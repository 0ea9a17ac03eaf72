"""Statistics: the read side of the daily rollups (`StaffDay`, `BranchDay`, `BankDay`).

Selectors for "my numbers", leaderboards and the bank's totals. They never read events: each one is
one or two SQL queries over the rollup tables, aggregated in the database, so they stay fast at
18,000 staff and a year of figures. Scope (who may see whom) comes from `org.access`.

A `Period` is a run of Asia/Shanghai calendar days, both ends included; its `previous()` is the same
number of days just before it, which is what "change since the previous period" compares with.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import DecimalField, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insights.access import can_see_bank_statistics
from insights.models import BankDay, BranchDay, BranchSpan, DailyFigures, StaffDay, StaffSpan
from insights.rollups import period_cover, rollup_version
from org.access import staff_visible
from org.models import Branch, Staff

METRICS = DailyFigures.METRICS
MONEY_METRICS = ("converted_amount",)
CATEGORIES = "product_clicks_by_category"
PERIODS = ("today", "7d", "30d", "custom")
MAX_PERIOD_DAYS = 366
BOARD_CACHE_SECONDS = 60


def metric_label(metric: str) -> str:
    """The metric's name in the user's language (the model field's verbose name)."""
    return str(StaffDay._meta.get_field(metric).verbose_name)


def metric_choices() -> list[tuple[str, str]]:
    return [(m, metric_label(m)) for m in METRICS]


def _zero(metric: str):
    return Decimal("0.00") if metric in MONEY_METRICS else 0


# --- Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Calendar days `start`..`end`, both included (Asia/Shanghai dates)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The same number of days, ending the day before this period starts."""
        end = self.start - timedelta(days=1)
        return Period(start=end - timedelta(days=self.days - 1), end=end)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


class PeriodError(ValueError):
    """A period that cannot be read; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def period_parse(value: str, start: str, end: str, *, today: date) -> Period:
    """The period a user asked for: "today", "7d", "30d" (both ending today) or "custom" (`start`
    and `end` as YYYY-MM-DD: at most 366 days, start not after end, nothing after today).
    Raises `PeriodError` with a message for the user."""
    if value == "today":
        return Period(start=today, end=today)
    if value == "7d":
        return Period(start=today - timedelta(days=6), end=today)
    if value == "30d":
        return Period(start=today - timedelta(days=29), end=today)
    if value != "custom":
        raise PeriodError(_("Choose today, 7 days, 30 days or a range of dates."))
    try:
        first = date.fromisoformat((start or "").strip())
        last = date.fromisoformat((end or "").strip())
    except ValueError:
        raise PeriodError(_("Enter both dates of the range, as YYYY-MM-DD.")) from None
    if first > last:
        raise PeriodError(_("The first date must not be after the last date."))
    if last > today:
        raise PeriodError(_("The range cannot end after today."))
    period = Period(start=first, end=last)
    if period.days > MAX_PERIOD_DAYS:
        raise PeriodError(_("A range can be at most %(days)s days long.") % {"days": MAX_PERIOD_DAYS})
    return period


# --- Figures and trends (one person, a branch subtree, the bank) ---------------------------------


def _metric_sums() -> dict:
    sums = {}
    for metric in METRICS:
        if metric in MONEY_METRICS:
            zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=18, decimal_places=2))
        else:
            zero = Value(0, output_field=IntegerField())
        sums[metric] = Coalesce(Sum(metric), zero)
    return sums


def _categories(rows: QuerySet) -> dict[str, int]:
    """Product clicks by category summed over `rows`, in SQL (jsonb_each_text over the rows' JSON),
    largest first."""
    sql, params = rows.values("product_clicks_by_category").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.key, SUM(c.value::bigint) AS n"
            f" FROM ({sql}) AS d(clicks), jsonb_each_text(d.clicks) AS c"
            " GROUP BY c.key ORDER BY n DESC, c.key",
            params,
        )
        return {key: int(n) for key, n in cursor.fetchall() if n}


def _figures(rows: QuerySet) -> dict:
    figures = rows.aggregate(**_metric_sums())
    figures[CATEGORIES] = _categories(rows)
    return figures


def _trend(rows: QuerySet, period: Period) -> list[dict]:
    by_day = {row["day"]: row for row in rows.values("day").annotate(**_metric_sums()).order_by("day")}
    trend = []
    for day in period.dates():
        row = by_day.get(day) or {m: _zero(m) for m in METRICS}
        trend.append({"day": day, **{m: row[m] for m in METRICS}})
    return trend


def _staff_days(staff: Staff, period: Period) -> QuerySet:
    # All of the person's days, whichever branch they were in (a transfer keeps both branches' rows).
    return StaffDay.objects.filter(staff=staff, day__range=(period.start, period.end))


def staff_figures(*, staff: Staff, period: Period) -> dict:
    """Metric -> total over the period for one person, plus "product_clicks_by_category"."""
    return _figures(_staff_days(staff, period))


def staff_trend(*, staff: Staff, period: Period) -> list[dict]:
    """One dict per day of the period ({"day": date, metric: value, ...}), zeros where none."""
    return _trend(_staff_days(staff, period), period)


def _subtree_days(branch: Branch, period: Period) -> QuerySet:
    # The ids first: as a subquery, the planner scans every branch's days instead of the index.
    subtree = list(Branch.objects.filter(path__startswith=branch.path).values_list("id", flat=True))
    return BranchDay.objects.filter(branch_id__in=subtree, day__range=(period.start, period.end))


def branch_figures(*, branch: Branch, period: Period) -> dict:
    """A branch and everything under it. Unique visitors are distinct within each branch and day,
    summed over the subtree's branches."""
    return _figures(_subtree_days(branch, period))


def branch_trend(*, branch: Branch, period: Period) -> list[dict]:
    return _trend(_subtree_days(branch, period), period)


def _bank_days(period: Period) -> QuerySet:
    return BankDay.objects.filter(day__range=(period.start, period.end))


def bank_figures(*, period: Period) -> dict:
    """The whole bank's totals over the period (events counted for nobody included)."""
    return _figures(_bank_days(period))


def bank_trend(*, period: Period) -> list[dict]:
    return _trend(_bank_days(period), period)


def funnel(figures: dict) -> dict:
    """Visitors → leads → converted, with each step's rate (percent, one decimal; None when the step
    before it is zero)."""

    def rate(part, whole):
        return round(part * 100 / whole, 1) if whole else None

    visitors, leads, converted = figures["unique_visitors"], figures["leads"], figures["conversions"]
    return {
        "visitors": visitors,
        "leads": leads,
        "converted": converted,
        "lead_rate": rate(leads, visitors),
        "conversion_rate": rate(converted, leads),
        "overall_rate": rate(converted, visitors),
    }


# --- Ranks and leaderboards ----------------------------------------------------------------------


def _check_metric(metric: str) -> str:
    # Metric names are put into SQL: only the model's own field names may get there.
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    return metric


def _total_type(metric: str) -> str:
    # SUM over bigint gives numeric in PostgreSQL: counts are cast back so they stay integers.
    return "numeric(18, 2)" if metric in MONEY_METRICS else "bigint"


def _period_sums_sql(*, level: str, column: str, period: Period, scoped: bool = False) -> tuple[str, list]:
    """SQL giving (id, value, previous) for `level` "staff" or "branch": `column` summed over
    `period` and over the one before it, from the fewest rows: whole aligned blocks of days from the
    span tables and the remaining single days from the day tables (`rollups.period_cover`).
    `scoped`: only the ids of a CTE named `scoped` (a branch's staff: index lookups beat a scan)."""
    day_table, span_table, key = {
        "staff": (StaffDay._meta.db_table, StaffSpan._meta.db_table, "staff_id"),
        "branch": (BranchDay._meta.db_table, BranchSpan._meta.db_table, "branch_id"),
    }[level]
    parts, params = [], []
    within = f" AND {key} IN (SELECT scoped.id FROM scoped)" if scoped else ""
    for is_current, each in ((True, period), (False, period.previous())):
        days, blocks = period_cover(each.start, each.end)
        if days:
            parts.append(
                f"SELECT {key} AS id, {column} AS v, {is_current} AS cur FROM {day_table} WHERE day = ANY(%s){within}"
            )
            params.append(days)
        if blocks:
            wanted = ", ".join(["(%s::smallint, %s::date)"] * len(blocks))
            parts.append(
                f"SELECT s.{key}, s.{column}, {is_current} FROM {span_table} s"
                f" JOIN (VALUES {wanted}) AS b(level, start) ON s.level = b.level AND s.start = b.start"
                + within.replace(key, f"s.{key}", 1)
            )
            params += [value for block in blocks for value in block]
    sql = (
        "SELECT id, SUM(v) FILTER (WHERE cur) AS value, SUM(v) FILTER (WHERE NOT cur) AS previous"
        f" FROM ({' UNION ALL '.join(parts)}) AS rows GROUP BY id"
    )
    return sql, params


def staff_rank_in_branch(*, staff: Staff, period: Period, metric: str) -> tuple[int, int]:
    """(rank, of): the person's competition rank ("1, 2, 2, 4") for `metric` among the current staff
    of their branch (the branch itself, not its sub-branches). One query."""
    column = _check_metric(metric)
    sql = f"""
        WITH peers AS (
            SELECT s.id, COALESCE(SUM(d.{column}), 0) AS value
            FROM {Staff._meta.db_table} s
            LEFT JOIN {StaffDay._meta.db_table} d ON d.staff_id = s.id AND d.day BETWEEN %s AND %s
            WHERE s.branch_id = %s AND (s.left_at IS NULL OR s.id = %s)
            GROUP BY s.id
        )
        SELECT r.rank, r.of FROM (
            SELECT id, RANK() OVER (ORDER BY value DESC) AS rank, COUNT(*) OVER () AS of FROM peers
        ) r WHERE r.id = %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.start, period.end, staff.branch_id, staff.pk, staff.pk])
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else (1, 1)


@dataclass(frozen=True)
class LeaderboardRow:
    """One ranked line: a person (`id` a staff id) or a branch (`id` a branch id)."""

    id: int
    name: str
    code: str  # employee number or branch code
    branch_id: int | None
    branch_name: str
    value: int | Decimal
    previous: int | Decimal
    rank: int
    previous_rank: int
    staff_count: int | None = None  # branches only
    per_capita: Decimal | None = None  # branches only
    previous_per_capita: Decimal | None = None

    @property
    def change(self):
        return self.value - self.previous

    @property
    def rank_change(self) -> int:
        """Places gained since the previous period (negative: places lost); 0 for a row with nothing
        in the previous period (everyone at zero shares first place, so "↓3" would mislead)."""
        if not self.previous:
            return 0
        return self.previous_rank - self.rank


@dataclass(frozen=True)
class Leaderboard:
    """A page of ranked rows, with the count and totals of all rows (not only this page)."""

    metric: str
    period: Period
    rows: list[LeaderboardRow]
    count: int
    total: int | Decimal
    previous_total: int | Decimal
    offset: int = 0
    limit: int | None = None
    per_capita: bool = False
    staff_total: int | None = None  # branches: active staff over all rows

    @property
    def change(self):
        return self.total - self.previous_total

    @property
    def metric_label(self) -> str:
        return metric_label(self.metric)

    @property
    def total_per_capita(self) -> Decimal | None:
        if not self.staff_total:
            return None
        return (Decimal(self.total) / self.staff_total).quantize(Decimal("0.01"))


def _fetch(sql: str, params: list) -> list[dict]:
    # Without parallel workers: a leaderboard aggregates ~10^5 rows, where starting workers and
    # merging their sorted output costs more than it saves (measured: 30 days over 18,000 staff
    # 106-150 ms instead of 150-200 ms), and request-path queries should not take every core.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def staff_leaderboard(
    *,
    viewer: Staff,
    period: Period,
    metric: str,
    branch: Branch | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> Leaderboard:
    """The current staff the viewer may see (optionally only `branch` and its sub-branches), ranked
    by `metric` over `period`, with the previous period's value and rank. Staff with nothing in the
    period are ranked too (at zero). Ties share a rank ("1, 2, 2, 4"). One query.

    The whole bank's board (18,000 people) is cached until the rollups next change (`rollup_version`;
    at most `BOARD_CACHE_SECONDS`): it is the same for every head-office viewer, and today's figures
    are up to half a minute behind anyway."""
    _check_metric(metric)  # before it goes into a cache key or SQL
    whole_bank = viewer.role == Staff.Role.HQ_ADMIN and (branch is None or branch.parent_id is None)
    if not whole_bank:
        return _staff_board(viewer=viewer, period=period, metric=metric, branch=branch, limit=limit, offset=offset)
    key = f"stats:staff-board:{rollup_version()}:{metric}:{period.start}:{period.end}:{limit}:{offset}"
    board = cache.get(key)
    if board is None:
        board = _staff_board(viewer=viewer, period=period, metric=metric, branch=None, limit=limit, offset=offset)
        cache.set(key, board, BOARD_CACHE_SECONDS)
    return board


def _staff_board(*, viewer, period, metric, branch, limit, offset) -> Leaderboard:
    column = _check_metric(metric)
    total_type = _total_type(metric)
    scope = staff_visible(viewer=viewer).filter(left_at__isnull=True)
    if branch is not None:
        scope = scope.filter(branch__path__startswith=branch.path)
    scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    # The whole bank: every row of the period's blocks and days; a branch's staff: theirs only.
    whole_bank = viewer.role == Staff.Role.HQ_ADMIN and (branch is None or branch.parent_id is None)
    sums_sql, sums_params = _period_sums_sql(level="staff", column=column, period=period, scoped=not whole_bank)
    sql = f"""
        WITH scoped(id) AS ({scope_sql}),
        figures AS ({sums_sql}),
        board AS (
            SELECT s.id, s.name, COALESCE(f.value, 0) AS value, COALESCE(f.previous, 0) AS previous
            FROM {Staff._meta.db_table} s
            LEFT JOIN figures f ON f.id = s.id
            WHERE s.id IN (SELECT scoped.id FROM scoped)
        ),
        -- Ranked on narrow rows; names of branches and codes only for the page's rows.
        ranked AS (
            SELECT board.*, RANK() OVER (ORDER BY value DESC) AS rank,
                   RANK() OVER (ORDER BY previous DESC) AS previous_rank
            FROM board ORDER BY rank, name, id LIMIT %s OFFSET %s
        ),
        page AS (
            SELECT ranked.*, s.employee_no AS code, b.id AS branch_id, b.name AS branch_name
            FROM ranked
            JOIN {Staff._meta.db_table} s ON s.id = ranked.id
            JOIN {Branch._meta.db_table} b ON b.id = s.branch_id
        ),
        totals AS (
            SELECT COUNT(*) AS row_count, COALESCE(SUM(value), 0)::{total_type} AS total,
                   COALESCE(SUM(previous), 0)::{total_type} AS previous_total
            FROM board
        )
        SELECT totals.*, page.* FROM totals LEFT JOIN page ON TRUE ORDER BY page.rank, page.name, page.id
    """
    params = [*scope_params, *sums_params, limit, offset]
    result = _fetch(sql, params)
    # `page` ranks before its LIMIT: window functions run over every row, then the page is cut.
    rows = [
        LeaderboardRow(
            id=r["id"],
            name=r["name"],
            code=r["code"],
            branch_id=r["branch_id"],
            branch_name=r["branch_name"],
            value=r["value"],
            previous=r["previous"],
            rank=r["rank"],
            previous_rank=r["previous_rank"],
        )
        for r in result
        if r["id"] is not None
    ]
    head = result[0]
    return Leaderboard(
        metric=metric,
        period=period,
        rows=rows,
        count=head["row_count"],
        total=head["total"],
        previous_total=head["previous_total"],
        offset=offset,
        limit=limit,
    )


def branch_leaderboard(
    *,
    viewer: Staff,
    period: Period,
    metric: str,
    per_capita: bool = False,
    limit: int | None = 100,
    offset: int = 0,
) -> Leaderboard:
    """Head office only: every branch that has current staff or figures in the period, ranked by
    its total for `metric` or, with `per_capita`, by that total per current staff member. Each
    branch counts its own staff's figures (not its sub-branches'). One query."""
    if not can_see_bank_statistics(viewer=viewer):
        raise PermissionDenied
    column = _check_metric(metric)
    total_type = _total_type(metric)
    sums_sql, sums_params = _period_sums_sql(level="branch", column=column, period=period)
    score = "CASE WHEN staff_count > 0 THEN ROUND({}::numeric / staff_count, 2) ELSE 0 END"
    order_value = "per_capita" if per_capita else "value"
    order_previous = "previous_per_capita" if per_capita else "previous"
    sql = f"""
        WITH staffing AS (
            SELECT branch_id, COUNT(*) AS n FROM {Staff._meta.db_table} WHERE left_at IS NULL GROUP BY branch_id
        ),
        figures AS ({sums_sql}),
        board AS (
            SELECT b.id, b.name, b.code, COALESCE(st.n, 0) AS staff_count,
                   COALESCE(f.value, 0) AS value, COALESCE(f.previous, 0) AS previous
            FROM {Branch._meta.db_table} b
            LEFT JOIN staffing st ON st.branch_id = b.id
            LEFT JOIN figures f ON f.id = b.id
            WHERE st.n IS NOT NULL OR f.id IS NOT NULL
        ),
        scored AS (
            SELECT board.*, {score.format("value")} AS per_capita, {score.format("previous")} AS previous_per_capita
            FROM board
        ),
        page AS (
            SELECT scored.*, RANK() OVER (ORDER BY {order_value} DESC) AS rank,
                   RANK() OVER (ORDER BY {order_previous} DESC) AS previous_rank
            FROM scored ORDER BY rank, name, id LIMIT %s OFFSET %s
        ),
        totals AS (
            SELECT COUNT(*) AS row_count, COALESCE(SUM(value), 0)::{total_type} AS total,
                   COALESCE(SUM(previous), 0)::{total_type} AS previous_total,
                   COALESCE(SUM(staff_count), 0)::bigint AS staff_total
            FROM board
        )
        SELECT totals.*, page.* FROM totals LEFT JOIN page ON TRUE ORDER BY page.rank, page.name, page.id
    """
    params = [*sums_params, limit, offset]
    result = _fetch(sql, params)
    rows = [
        LeaderboardRow(
            id=r["id"],
            name=r["name"],
            code=r["code"],
            branch_id=r["id"],
            branch_name=r["name"],
            value=r["value"],
            previous=r["previous"],
            rank=r["rank"],
            previous_rank=r["previous_rank"],
            staff_count=r["staff_count"],
            per_capita=r["per_capita"],
            previous_per_capita=r["previous_per_capita"],
        )
        for r in result
        if r["id"] is not None
    ]
    head = result[0]
    return Leaderboard(
        metric=metric,
        period=period,
        rows=rows,
        count=head["row_count"],
        total=head["total"],
        previous_total=head["previous_total"],
        offset=offset,
        limit=limit,
        per_capita=per_capita,
        staff_total=int(head["staff_total"]),
    )


PERIOD_LABELS = {
    "today": gettext_lazy("Today"),
    "7d": gettext_lazy("7 days"),
    "30d": gettext_lazy("30 days"),
    "custom": gettext_lazy("Chosen dates"),
}
