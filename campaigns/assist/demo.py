"""Demo friend assist: a running "invite friends, win a top-up" campaign with a small code pool,
shared through every manager's link, and a few chains made through the real services: one in
progress, one completed and rewarded, one flagged for head office's review."""

import random
from datetime import timedelta

from django.utils import timezone

from campaigns.assist import services
from campaigns.assist.models import AssistChain, AssistSetup
from campaigns.models import Campaign, CampaignLink
from campaigns.services import link_get_or_create
from customers.services import consent_current
from insights.identity import ip_hash
from org.models import Staff

TITLE = "邀好友助力 赢10元话费"


def _participant(n: int, network: str) -> services.Participant:
    return services.Participant(
        token=f"demo-assist-device-{n:04d}", visitor=None, network_hash=ip_hash({"REMOTE_ADDR": network})
    )


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def assist_seed(*, seed: int = 23) -> int:
    """Once per bank (skipped if it has any friend-assist setup). Returns the number of chains."""
    if AssistSetup.objects.exists():
        return 0
    consent = consent_current()
    head_office = Staff.objects.filter(role=Staff.Role.HQ_ADMIN, left_at__isnull=True).order_by("pk").first()
    managers = list(Staff.objects.filter(role=Staff.Role.MANAGER, left_at__isnull=True).order_by("branch__path", "pk"))
    if consent is None or not managers:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    campaign = Campaign.objects.create(
        title=TITLE,
        kind=Campaign.Kind.ACQUISITION,
        goal=Campaign.Goal.ASSIST,
        status=Campaign.Status.PUBLISHED,
        starts_at=now - timedelta(days=3),
        ends_at=now + timedelta(days=27),
    )
    setup = AssistSetup.objects.create(
        campaign=campaign,
        helpers_needed=5,
        chains_per_starter=1,
        reward_kind=AssistSetup.RewardKind.CODE,
        reward_title="10元话费充值券",
        reward_instructions="在本行手机银行“生活缴费—话费充值”中输入兑换码即可使用，有效期至活动结束后30天。",
        rules_text=(
            "1. 活动期间，每位客户凭手机号可发起1次助力；\n"
            "2. 邀请5位好友助力成功即可获得10元话费充值券，先到先得，发完即止；\n"
            "3. 每位好友在本活动中只能助力1次，不能为自己助力；\n"
            "4. 对以不正当手段参与活动的，本行有权取消其参与资格。"
        ),
    )
    codes = [f"HF10-{rng.randint(100000, 999999)}" for _ in range(6)]
    services.reward_codes_add(setup=setup, codes=codes, actor=head_office)
    links = [link_get_or_create(campaign=campaign, staff=manager) for manager in managers]
    device = iter(range(1, 10_000))
    chains = 0
    # progress per link: (assists, all from one network?)
    plans = [(2, False), (5, False), (3, True)]
    for link, (assists, one_network) in zip(links, plans, strict=False):
        chain = services.chain_start(
            link=link,
            mobile=_mobile(rng),
            consent=consent,
            participant=_participant(next(device), f"10.20.{chains}.1"),
        )
        chains += 1
        for n in range(assists):
            network = "10.99.0.7" if one_network else f"10.30.{chains}.{n + 2}"
            services.assist_give(
                chain=chain, mobile=_mobile(rng), consent=consent, participant=_participant(next(device), network)
            )
    return chains


def demo_links() -> list[tuple[Staff, str, str]]:
    """(manager, link code, token of their chain in progress or "") for the demo's printout."""
    campaign = Campaign.objects.filter(title=TITLE, goal=Campaign.Goal.ASSIST).first()
    if campaign is None:
        return []
    chains = {
        chain.link_id: chain.token
        for chain in AssistChain.objects.filter(campaign=campaign, status=AssistChain.Status.ACTIVE)
    }
    links = CampaignLink.objects.filter(campaign=campaign).select_related("staff").order_by("staff__branch__path", "pk")
    return [(link.staff, link.code, chains.get(link.pk, "")) for link in links]
