"""Reads for campaigns: what runs on a page, what a visitor should see, and campaign figures."""

from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign
from insights.models import Event, Tag, VisitorTag
from org.models import Branch, Staff

ACTIONS = ("impression", "click", "join", "claim", "assist", "reward", "conversion")
# Who took part: joined a friend assist (C2) or claimed a unit of an offer.
PARTICIPATION = ("join", "claim")
# What counts as the campaign reaching its goal: going on to the product or questionnaire, a
# claimed unit, an assist reward earned.
CONVERSION = ("conversion", "claim", "reward")


def campaigns_running(*, now=None) -> QuerySet[Campaign]:
    now = now or timezone.now()
    return Campaign.objects.filter(status=Campaign.Status.PUBLISHED, starts_at__lte=now, ends_at__gt=now)


def campaigns_for_page(*, staff: Staff, now=None) -> list[Campaign]:
    """The running campaigns on `staff`'s storefront: every-page ones, and opt-in ones they joined.
    Each carries `audience_tag_ids` (empty: everyone)."""
    campaigns = (
        campaigns_running(now=now)
        .filter(Q(reach=Campaign.Reach.EVERY_PAGE) | Q(opt_ins__staff=staff))
        .select_related("image")
        .prefetch_related(Prefetch("audience_tags", queryset=Tag.objects.only("pk")))
        .distinct()
        .order_by("-starts_at", "pk")
    )
    result = list(campaigns)
    for campaign in result:
        campaign.audience_tag_ids = {tag.pk for tag in campaign.audience_tags.all()}
    return result


def seconds_until_campaigns_change(*, now=None) -> int | None:
    """Seconds until a published campaign starts or ends, so a cached page expires then."""
    now = now or timezone.now()
    upcoming = Campaign.objects.filter(status=Campaign.Status.PUBLISHED).aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)),
        end=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    moments = [m for m in upcoming.values() if m is not None]
    if not moments:
        return None
    return max(1, int((min(moments) - now).total_seconds()) + 1)


@dataclass
class PagePlacements:
    """What the cached storefront page carries: banners for everyone, and whether the page must ask
    for this visitor's own placements (tag-targeted banners, pop-ups with their cap)."""

    banners: list[Campaign] = field(default_factory=list)
    personal: bool = False

    @property
    def any(self) -> bool:
        return bool(self.banners) or self.personal


def page_placements(*, staff: Staff, now=None) -> PagePlacements:
    placements = PagePlacements()
    for campaign in campaigns_for_page(staff=staff, now=now):
        if campaign.show_banner and not campaign.audience_tag_ids:
            placements.banners.append(campaign)
        if campaign.show_popup or (campaign.show_banner and campaign.audience_tag_ids):
            placements.personal = True
    return placements


def visitor_tag_ids(*, visitor) -> set[int]:
    if visitor is None:
        return set()
    return set(VisitorTag.objects.filter(visitor=visitor).values_list("tag_id", flat=True))


def in_audience(*, campaign: Campaign, tag_ids: set[int]) -> bool:
    """Everyone, when no tag is chosen; otherwise visitors with any of the chosen tags."""
    return not campaign.audience_tag_ids or bool(campaign.audience_tag_ids & tag_ids)


# --- Figures ---------------------------------------------------------------------------------------


def campaign_events(*, campaign: Campaign) -> QuerySet[Event]:
    return Event.objects.filter(
        kind=Event.Kind.CAMPAIGN, object_type="campaign", object_id=str(campaign.pk), is_bot=False
    )


def _figures():
    counts = {
        "impressions": Count("pk", filter=Q(data__action="impression")),
        "clicks": Count("pk", filter=Q(data__action="click")),
        "participants_known": Count("visitor", distinct=True, filter=Q(data__action__in=PARTICIPATION)),
        "participants_anonymous": Count("pk", filter=Q(data__action__in=PARTICIPATION, visitor__isnull=True)),
        "assists": Count("pk", filter=Q(data__action="assist")),
        "rewards": Count("pk", filter=Q(data__action="reward")),
        "conversions": Count("pk", filter=Q(data__action__in=CONVERSION)),
    }
    return counts


FIGURES = ("impressions", "clicks", "participants", "assists", "rewards", "conversions")


def _finish(row: dict) -> dict:
    row["participants"] = row.pop("participants_known") + row.pop("participants_anonymous")
    return row


def campaign_figures(*, events: QuerySet[Event]) -> dict:
    """Totals, by manager (ranked: the leaderboard) and by branch, of the given campaign events.

    Participants count distinct visitors who joined or claimed (plus those not yet recognised)."""
    total = _finish(events.aggregate(**_figures()))
    by_staff = [
        _finish(row) for row in events.exclude(staff__isnull=True).values("staff_id").annotate(**_figures()).order_by()
    ]
    names = {
        s.pk: s for s in Staff.objects.select_related("branch").filter(pk__in=[row["staff_id"] for row in by_staff])
    }
    for row in by_staff:
        row["staff"] = names.get(row["staff_id"])
    by_staff.sort(
        key=lambda r: (-r["conversions"], -r["participants"], -r["clicks"], r["staff"].name if r["staff"] else "")
    )
    for rank, row in enumerate(by_staff, start=1):
        row["rank"] = rank
    by_branch = [
        _finish(row)
        for row in events.exclude(branch_id__isnull=True).values("branch_id").annotate(**_figures()).order_by()
    ]
    branches = {b.pk: b for b in Branch.objects.filter(pk__in=[row["branch_id"] for row in by_branch])}
    for row in by_branch:
        row["branch"] = branches.get(row["branch_id"])
    by_branch.sort(key=lambda r: (-r["conversions"], -r["clicks"], r["branch"].name if r["branch"] else ""))
    return {"total": total, "staff": by_staff, "branches": by_branch}


def campaigns_shown_to_everyone(*, ids) -> QuerySet[Campaign]:
    """Of `ids` (what a cached page says it showed), the running campaigns a cached page may carry."""
    if not ids:
        return Campaign.objects.none()
    return campaigns_running().filter(pk__in=ids, audience_tags__isnull=True)
