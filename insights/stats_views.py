"""Statistics pages of the workspace: "my numbers" (and a colleague's, in scope), the staff
leaderboard, a branch's page, the bank's page, and their exports.

Scope: a person's page goes through `org.access.access_staff` (a manager reaches only themself, a
branch head their branch subtree: 404 otherwise); branch pages through
`insights.access.access_stats_branch`; the bank page and the branch leaderboard are head office's
(403 for others). Every page reads a `StatsFilterForm`; a bad period shows the default period with
the message and status 400.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from insights import statistics
from insights.access import access_stats_branch, can_see_bank_statistics, can_see_staff_leaderboard
from insights.rollups import stats_today
from insights.stats_exports import branch_leaderboard_export, staff_days_export, staff_leaderboard_export
from insights.stats_forms import StatsFilterForm
from org.access import access_staff
from org.decorators import workspace_view
from org.exports import CONTENT_TYPES, FORMATS
from org.models import Staff

PAGE_SIZE = 50
# The cards on a person's page, in the order a manager reads them.
CARD_METRICS = statistics.METRICS


@dataclass(frozen=True)
class BoardPage:
    """What `includes/pager.html` needs, for a leaderboard cut with LIMIT/OFFSET."""

    number: int
    count: int
    size: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def paginator(self):
        return self

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 100_000))
    except ValueError:
        return 1


def _filters(request) -> tuple[StatsFilterForm, dict, int]:
    form = StatsFilterForm(request.GET)
    filters = form.filters()
    return form, filters, 400 if form.errors else 200


def _query(filters: dict, *, metric: bool = True, **extra) -> str:
    """The query string that reproduces the filters (for pager and export links); without the
    metric when the link chooses one."""
    params = {"period": filters["period_name"]}
    if metric:
        params["metric"] = filters["metric"]
    if filters["period_name"] == "custom":
        params |= {"start": filters["period"].start.isoformat(), "end": filters["period"].end.isoformat()}
    if filters.get("per_capita"):
        params["per_capita"] = "on"
    params |= extra
    return urlencode(params)


def _category_labels() -> dict[str, str]:
    # The product categories' names live with the catalog; looked up by name, not imported, since
    # insights imports no feature app. Unknown keys show as they are.
    try:
        field = apps.get_model("cms", "Product")._meta.get_field("category")
    except LookupError:
        return {}
    return {key: str(label) for key, label in field.choices}


def _cards(figures: dict, previous: dict) -> list[dict]:
    return [
        {
            "metric": metric,
            "label": statistics.metric_label(metric),
            "value": figures[metric],
            "previous": previous[metric],
            "change": figures[metric] - previous[metric],
            "money": metric in statistics.MONEY_METRICS,
        }
        for metric in CARD_METRICS
    ]


def _chart(trend: list[dict], metric: str) -> dict:
    """The chart's data (read by stats.js from a json_script; the same figures are in a table)."""
    return {
        "label": str(statistics.metric_label(metric)),
        "labels": [row["day"].strftime("%m-%d") for row in trend],
        "values": [float(row[metric]) if metric in statistics.MONEY_METRICS else row[metric] for row in trend],
    }


def _categories(figures: dict) -> list[dict]:
    labels = _category_labels()
    return [
        {"key": key, "label": labels.get(key, key), "count": count}
        for key, count in figures[statistics.CATEGORIES].items()
    ]


def _export_response(content: bytes, *, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


# --- A person's numbers --------------------------------------------------------------------------


@require_GET
@workspace_view
def my_numbers(request):
    return _person_page(request, request.staff)


@require_GET
@workspace_view
def staff_numbers(request, staff_id: int):
    return _person_page(request, access_staff(viewer=request.staff, staff_id=staff_id))


def _person_page(request, member: Staff):
    form, filters, status = _filters(request)
    period, metric = filters["period"], filters["metric"]
    figures = statistics.staff_figures(staff=member, period=period)
    previous = statistics.staff_figures(staff=member, period=period.previous())
    trend = statistics.staff_trend(staff=member, period=period)
    rank, of = statistics.staff_rank_in_branch(staff=member, period=period, metric=metric)
    context = {
        "form": form,
        "member": member,
        "is_me": member == request.staff,
        "period": period,
        "metric": metric,
        "metric_label": statistics.metric_label(metric),
        "cards": _cards(figures, previous),
        "funnel": statistics.funnel(figures),
        "rank": rank,
        "rank_of": of,
        "categories": _categories(figures),
        "trend": [{"day": row["day"], "value": row[metric]} for row in trend],
        "chart": _chart(trend, metric),
        "query": _query(filters),
        "query_base": _query(filters, metric=False),
    }
    return render(request, "insights/stats/person.html", context, status=status)


@require_GET
@workspace_view
def staff_numbers_export(request, staff_id: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    member = access_staff(viewer=request.staff, staff_id=staff_id)
    form, filters, status = _filters(request)
    if status != 200:
        return HttpResponse(" ".join(m for errors in form.errors.values() for m in errors), status=400)
    period = filters["period"]
    trend = statistics.staff_trend(staff=member, period=period)
    content = staff_days_export(viewer=request.staff, member=member, period=period, trend=trend, fmt=fmt)
    return _export_response(content, fmt=fmt, name=f"staff-{member.pk}")


# --- Leaderboards --------------------------------------------------------------------------------


@require_GET
@workspace_view
def team(request):
    """The staff leaderboard: a branch head's is their branch's page; head office's spans the bank."""
    if not can_see_staff_leaderboard(viewer=request.staff):
        raise PermissionDenied
    if not request.staff.is_hq_admin:
        url = redirect("stats:branch", branch_id=request.staff.branch_id).url
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    return _board_page(request, branch=None)


@require_GET
@workspace_view
def branch_numbers(request, branch_id: int):
    branch = access_stats_branch(viewer=request.staff, branch_id=branch_id)
    return _board_page(request, branch=branch)


def _board_page(request, *, branch):
    form, filters, status = _filters(request)
    period, metric = filters["period"], filters["metric"]
    page = BoardPage(number=_page_number(request), count=0)
    board = statistics.staff_leaderboard(
        viewer=request.staff, period=period, metric=metric, branch=branch, limit=PAGE_SIZE, offset=page.offset
    )
    page = BoardPage(number=page.number, count=board.count)
    context = {
        "form": form,
        "branch": branch,
        "period": period,
        "metric": metric,
        "board": board,
        "page": page,
        "query": _query(filters),
        "query_base": _query(filters, metric=False),
        "pager_query": _query(filters) + "&",
    }
    if branch is not None:
        figures = statistics.branch_figures(branch=branch, period=period)
        trend = statistics.branch_trend(branch=branch, period=period)
        context |= {
            "cards": _cards(figures, statistics.branch_figures(branch=branch, period=period.previous())),
            "funnel": statistics.funnel(figures),
            "categories": _categories(figures),
            "trend": [{"day": row["day"], "value": row[metric]} for row in trend],
            "chart": _chart(trend, metric),
            "metric_label": statistics.metric_label(metric),
        }
    return render(request, "insights/stats/board.html", context, status=status)


@require_GET
@workspace_view
def staff_board_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    if not can_see_staff_leaderboard(viewer=request.staff):
        raise PermissionDenied
    branch = None
    if request.GET.get("branch"):
        branch = access_stats_branch(viewer=request.staff, branch_id=request.GET["branch"])
    form, filters, status = _filters(request)
    if status != 200:
        return HttpResponse(" ".join(m for errors in form.errors.values() for m in errors), status=400)
    board = statistics.staff_leaderboard(
        viewer=request.staff, period=filters["period"], metric=filters["metric"], branch=branch, limit=None
    )
    content = staff_leaderboard_export(
        viewer=request.staff, board=board, fmt=fmt, branch_id=branch.pk if branch else None
    )
    return _export_response(content, fmt=fmt, name="staff-leaderboard")


# --- The bank ------------------------------------------------------------------------------------


@require_GET
@workspace_view
def bank_numbers(request):
    if not can_see_bank_statistics(viewer=request.staff):
        raise PermissionDenied
    form, filters, status = _filters(request)
    period, metric = filters["period"], filters["metric"]
    page = BoardPage(number=_page_number(request), count=0)
    figures = statistics.bank_figures(period=period)
    trend = statistics.bank_trend(period=period)
    board = statistics.branch_leaderboard(
        viewer=request.staff,
        period=period,
        metric=metric,
        per_capita=filters["per_capita"],
        limit=PAGE_SIZE,
        offset=page.offset,
    )
    context = {
        "form": form,
        "period": period,
        "metric": metric,
        "metric_label": statistics.metric_label(metric),
        "cards": _cards(figures, statistics.bank_figures(period=period.previous())),
        "funnel": statistics.funnel(figures),
        "categories": _categories(figures),
        "trend": [{"day": row["day"], "value": row[metric]} for row in trend],
        "chart": _chart(trend, metric),
        "board": board,
        "page": BoardPage(number=page.number, count=board.count),
        "query": _query(filters),
        "query_base": _query(filters, metric=False),
        "pager_query": _query(filters) + "&",
    }
    return render(request, "insights/stats/bank.html", context, status=status)


@require_GET
@workspace_view
def branch_board_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    if not can_see_bank_statistics(viewer=request.staff):
        raise PermissionDenied
    form, filters, status = _filters(request)
    if status != 200:
        return HttpResponse(" ".join(m for errors in form.errors.values() for m in errors), status=400)
    board = statistics.branch_leaderboard(
        viewer=request.staff,
        period=filters["period"],
        metric=filters["metric"],
        per_capita=filters["per_capita"],
        limit=None,
    )
    content = branch_leaderboard_export(viewer=request.staff, board=board, fmt=fmt)
    return _export_response(content, fmt=fmt, name="branch-leaderboard")


# --- The workspace home's panel ------------------------------------------------------------------


def home_panel(request) -> str:
    """Today's numbers at the top of the workspace home (live: rollups run a minute behind)."""
    staff = getattr(request, "staff", None)
    if staff is None:
        return ""
    today = stats_today()
    figures = statistics.staff_figures(staff=staff, period=statistics.Period(start=today, end=today))
    shown = ("page_views", "unique_visitors", "leads", "conversions")
    cards = [{"metric": m, "label": statistics.metric_label(m), "value": figures[m]} for m in shown]
    return render_to_string("insights/stats/home_panel.html", {"cards": cards}, request=request)
