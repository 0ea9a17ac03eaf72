"""The workspace side of campaigns: the bank's campaigns, each staff member's own link and QR code,
opting in and out, and the campaign's figures (by manager and branch, leaderboard, exports) within
the viewer's scope. Head office creates and edits campaigns in /cms/."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns import access, selectors, services
from campaigns.exports import FORMATS, GROUPINGS, figures_export
from campaigns.forms import StatsFilterForm
from campaigns.models import Campaign, CampaignOptIn
from org.decorators import workspace_view


@require_GET
@workspace_view
def campaign_list(request):
    now = timezone.now()
    campaigns = list(access.campaigns_visible(viewer=request.staff).order_by("-starts_at")[:200])
    joined = set(
        CampaignOptIn.objects.filter(staff=request.staff, campaign__in=campaigns).values_list("campaign_id", flat=True)
    )
    rows = [
        {
            "campaign": c,
            "running": c.is_running(now),
            "upcoming": c.status == Campaign.Status.PUBLISHED and now < c.starts_at,
            "on_my_page": c.reach == Campaign.Reach.EVERY_PAGE or c.pk in joined,
        }
        for c in campaigns
    ]
    current = [r for r in rows if r["running"] or r["upcoming"]]
    past = [r for r in rows if not (r["running"] or r["upcoming"])]
    return render(request, "campaigns/list.html", {"current": current, "past": past})


def _events(request, campaign):
    form = StatsFilterForm(request.GET)
    events = access.events_visible(viewer=request.staff, campaign=campaign)
    filters = form.filters()
    if filters["date_from"]:
        events = events.filter(occurred_at__date__gte=filters["date_from"])
    if filters["date_to"]:
        events = events.filter(occurred_at__date__lte=filters["date_to"])
    return form, events


@require_GET
@workspace_view
def campaign_detail(request, campaign_id: int):
    campaign = access.access_campaign(viewer=request.staff, campaign_id=campaign_id)
    link = None if campaign.has_ended() else services.link_get_or_create(campaign=campaign, staff=request.staff)
    form, events = _events(request, campaign)
    context = {
        "campaign": campaign,
        "link": link,
        "link_url": request.build_absolute_uri(reverse("campaigns_public:landing", args=[link.code])) if link else "",
        "can_opt_in": access.can_opt_in(viewer=request.staff, campaign=campaign),
        "joined": CampaignOptIn.objects.filter(campaign=campaign, staff=request.staff).exists(),
        "form": form,
        "figures": selectors.campaign_figures(events=events),
        "mine": selectors.campaign_figures(events=events.filter(staff=request.staff))["total"],
        "query": request.GET.urlencode(),
    }
    return render(request, "campaigns/detail.html", context)


@require_POST
@workspace_view
def campaign_opt(request, campaign_id: int, action: str):
    """Put an opt-in campaign on one's own page (`join`) or take it off (`leave`)."""
    if action not in ("join", "leave"):
        raise Http404
    campaign = access.access_campaign(viewer=request.staff, campaign_id=campaign_id)
    try:
        services.opt_in_set(campaign=campaign, staff=request.staff, joined=action == "join")
    except services.CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The campaign is on your page.") if action == "join" else _("The campaign is off your page.")
        )
    return redirect("campaigns:detail", campaign_id=campaign.pk)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@workspace_view
def campaign_export(request, campaign_id: int, fmt: str):
    by = request.GET.get("by", "staff")
    if fmt not in FORMATS or by not in GROUPINGS:
        raise Http404
    campaign = access.access_campaign(viewer=request.staff, campaign_id=campaign_id)
    _form, events = _events(request, campaign)
    content = figures_export(
        viewer=request.staff, campaign=campaign, figures=selectors.campaign_figures(events=events), by=by, fmt=fmt
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"campaign-{campaign.pk}-{by}-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
