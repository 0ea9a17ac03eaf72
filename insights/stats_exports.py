"""Statistics tables as spreadsheets (CSV with a BOM, or XLSX): the staff and branch leaderboards
(every row, not only the page on screen) and one person's daily figures. Every export is audited
(`stats.export`). Cells go through `org.exports.cell`, so a name can never run as a formula."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from insights.statistics import METRICS, Leaderboard, Period, metric_label
from org.exports import cell, spreadsheet
from org.models import Staff
from org.services.staff import audit_record


def _audit(*, viewer: Staff, table: str, fmt: str, rows: int, period: Period, **detail) -> None:
    audit_record(
        actor=viewer,
        action="stats.export",
        target=viewer,
        detail={
            "table": table,
            "format": fmt,
            "rows": rows,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            **detail,
        },
    )


@transaction.atomic
def staff_leaderboard_export(*, viewer: Staff, board: Leaderboard, fmt: str, branch_id: int | None) -> bytes:
    header = [
        _("Rank"),
        _("Employee number"),
        _("Name"),
        _("Branch"),
        board.metric_label,
        _("Previous period"),
        pgettext("compared with the previous period", "Change"),
        _("Previous rank"),
    ]
    rows = (
        [
            r.rank,
            cell(r.code),
            cell(r.name),
            cell(r.branch_name),
            r.value,
            r.previous,
            r.change,
            r.previous_rank,
        ]
        for r in board.rows
    )
    content, count = spreadsheet(header=header, rows=rows, fmt=fmt, title=_("Staff leaderboard"))
    _audit(
        viewer=viewer,
        table="staff",
        fmt=fmt,
        rows=count,
        period=board.period,
        metric=board.metric,
        branch=branch_id,
    )
    return content


@transaction.atomic
def branch_leaderboard_export(*, viewer: Staff, board: Leaderboard, fmt: str) -> bytes:
    header = [
        _("Rank"),
        _("Branch code"),
        _("Branch"),
        _("Staff"),
        board.metric_label,
        _("Per staff member"),
        _("Previous period"),
        pgettext("compared with the previous period", "Change"),
        _("Previous rank"),
    ]
    rows = (
        [
            r.rank,
            cell(r.code),
            cell(r.name),
            r.staff_count,
            r.value,
            r.per_capita,
            r.previous,
            r.change,
            r.previous_rank,
        ]
        for r in board.rows
    )
    content, count = spreadsheet(header=header, rows=rows, fmt=fmt, title=_("Branch leaderboard"))
    _audit(
        viewer=viewer,
        table="branches",
        fmt=fmt,
        rows=count,
        period=board.period,
        metric=board.metric,
        per_capita=board.per_capita,
    )
    return content


@transaction.atomic
def staff_days_export(*, viewer: Staff, member: Staff, period: Period, trend: list[dict], fmt: str) -> bytes:
    """One person's figures, a row per day of the period."""
    header = [_("Day"), *[metric_label(m) for m in METRICS]]
    rows = ([day["day"].isoformat(), *[day[m] for m in METRICS]] for day in trend)
    content, count = spreadsheet(header=header, rows=rows, fmt=fmt, title=_("Daily figures"))
    _audit(viewer=viewer, table="staff_days", fmt=fmt, rows=count, period=period, staff=member.pk)
    return content
