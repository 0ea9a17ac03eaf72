"""Reads for friend assist: the public link and chain, a device's own chains and assist, the code
pool's counts, and head office's review list."""

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from campaigns.assist.models import Assist, AssistChain, AssistSetup, RewardCode
from campaigns.models import Campaign, CampaignLink


def link_public(*, code: str) -> CampaignLink | None:
    """A manager's link to a friend-assist campaign that has been published (running, upcoming or
    over: the page explains which), or None."""
    link = (
        CampaignLink.objects.select_related("campaign", "campaign__assist_setup", "staff__branch")
        .filter(code=code.lower()[:16], campaign__goal=Campaign.Goal.ASSIST)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .first()
    )
    if link is None or not AssistSetup.objects.filter(campaign_id=link.campaign_id).exists():
        return None
    return link


def chain_public(*, link: CampaignLink, token: str) -> AssistChain | None:
    """A chain of this link's campaign by its share token (a chain shared through one manager's
    link is reachable only under that campaign)."""
    return (
        AssistChain.objects.select_related("campaign", "staff__branch")
        .filter(campaign_id=link.campaign_id, token=token[:32])
        .first()
    )


def chains_started_by(*, campaign: Campaign, token: str) -> QuerySet[AssistChain]:
    return AssistChain.objects.filter(campaign=campaign, starter_token=token).order_by("-created_at")


def assist_by_device(*, campaign: Campaign, token: str) -> Assist | None:
    return Assist.objects.select_related("chain").filter(campaign=campaign, visitor_token=token).first()


def assists_of(*, chain: AssistChain) -> QuerySet[Assist]:
    return Assist.objects.filter(chain=chain).only("mobile_masked", "created_at").order_by("created_at", "pk")


def reward_code_for(*, chain: AssistChain) -> RewardCode | None:
    return RewardCode.objects.filter(chain=chain).first()


def pool_counts(*, setup: AssistSetup) -> dict:
    """Codes in the pool, given and free, and chains owed a reward for want of codes."""
    codes = RewardCode.objects.filter(setup=setup).aggregate(
        total=Count("pk"), free=Count("pk", filter=Q(chain__isnull=True))
    )
    owed = AssistChain.objects.filter(
        campaign_id=setup.campaign_id, status=AssistChain.Status.COMPLETED, reward_status=AssistChain.Reward.OWED
    ).count()
    return {"total": codes["total"], "free": codes["free"], "given": codes["total"] - codes["free"], "owed": owed}


REVIEW_FILTERS = ("flagged", "reviewed", "void", "owed")


def review_list(*, show: str = "flagged") -> QuerySet[AssistChain]:
    """Head office's review list: chains flagged as suspicious and not yet reviewed (default),
    reviewed or voided ones, or chains owed a reward. Each carries how many distinct networks its
    assists came from and the most assists from any one of them."""
    chains = AssistChain.objects.select_related("campaign", "staff__branch", "reviewed_by")
    if show == "reviewed":
        chains = chains.filter(flagged_at__isnull=False, reviewed_at__isnull=False).exclude(
            status=AssistChain.Status.VOID
        )
    elif show == "void":
        chains = chains.filter(status=AssistChain.Status.VOID)
    elif show == "owed":
        chains = chains.filter(status=AssistChain.Status.COMPLETED, reward_status=AssistChain.Reward.OWED)
    else:
        chains = chains.filter(flagged_at__isnull=False, reviewed_at__isnull=True).exclude(
            status=AssistChain.Status.VOID
        )
    busiest = (
        Assist.objects.filter(chain=OuterRef("pk"))
        .exclude(network_hash="")
        .values("network_hash")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values("n")[:1]
    )
    return chains.annotate(
        networks=Count("assists__network_hash", distinct=True),
        busiest_network=Coalesce(Subquery(busiest), 0),
        last_assist_at=Max("assists__created_at"),
    ).order_by("-flagged_at", "-created_at")
