"""Demo campaigns: a limited-quota offer on every page, a tag-targeted wealth campaign with a
pop-up, and an opt-in questionnaire campaign; each manager's link, and some activity through the
real services (impressions, clicks, claims)."""

import io
import random
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image, ImageDraw
from wagtail.images import get_image_model

from campaigns import services
from campaigns.models import Campaign, CampaignLink, CampaignOptIn
from cms.models import Product
from customers.services import consent_current
from insights.models import Tag, Visitor
from org.models import Staff
from questionnaires.models import Questionnaire


def _banner_image(title: str, colours: tuple[str, str]):
    """A plain two-colour banner (the demo has no designer)."""
    image = Image.new("RGB", (960, 360), colours[0])
    draw = ImageDraw.Draw(image)
    for n in range(6):
        draw.ellipse((600 + n * 40, -120 + n * 30, 1100 + n * 40, 380 + n * 30), outline=colours[1], width=6)
    draw.rectangle((60, 250, 360, 290), fill=colours[1])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(out, name="campaign-banner.png"))


def campaigns_seed(*, seed: int = 23) -> int:
    """Once per bank (skipped if it has any campaign besides friend assists, which that app seeds).
    Returns the number of claims made."""
    if Campaign.objects.exclude(goal=Campaign.Goal.ASSIST).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    managers = list(Staff.objects.filter(role=Staff.Role.MANAGER, left_at__isnull=True).order_by("pk"))
    if not managers:
        return 0
    Campaign.objects.create(
        title="开门红 · 新客专享好礼",
        kind=Campaign.Kind.ACQUISITION,
        goal=Campaign.Goal.QUOTA,
        status=Campaign.Status.PUBLISHED,
        starts_at=now - timedelta(days=3),
        ends_at=now + timedelta(days=27),
        headline="新客专享 · 限量 100 份",
        text="首次开户并存入 1 万元，即可领取开门红好礼一份，先到先得。",
        button_label="立即领取",
        quota_units=100,
        image=_banner_image("开门红横幅", ("#C8102E", "#F5A623")),
        show_banner=True,
    )
    wealth = Product.objects.on_sale().filter(category="wealth").order_by("pk").first()
    tag = Tag.objects.filter(name="理财意向", owner__isnull=True).first()
    if wealth is not None:
        festival = Campaign.objects.create(
            title="理财节 · 稳健之选",
            kind=Campaign.Kind.VALUE_GROWTH,
            goal=Campaign.Goal.PRODUCT,
            status=Campaign.Status.PUBLISHED,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=14),
            headline="理财节 · 稳健之选",
            text=f"{wealth.name}：{wealth.rate_basis} {wealth.rate_display}，理财非存款、产品有风险、投资须谨慎。",
            button_label="了解详情",
            product=wealth,
            image=_banner_image("理财节横幅", ("#0B5CAD", "#19A979")),
            show_banner=True,
            show_popup=True,
            popup_daily_cap=1,
        )
        if tag is not None:
            festival.audience_tags.add(tag)
    questionnaire = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED, owner__role="hq_admin").first()
    if questionnaire is not None:
        care = Campaign.objects.create(
            title="客户关怀 · 满意度回访",
            kind=Campaign.Kind.CARE,
            goal=Campaign.Goal.QUESTIONNAIRE,
            status=Campaign.Status.PUBLISHED,
            starts_at=now - timedelta(days=7),
            ends_at=now + timedelta(days=60),
            headline="一分钟，说说您的感受",
            text="您的每一条意见，我们都会认真阅读。",
            button_label="去填写",
            questionnaire=questionnaire,
            show_banner=True,
            reach=Campaign.Reach.OPT_IN,
        )
        for manager in managers[::2]:
            CampaignOptIn.objects.get_or_create(campaign=care, staff=manager)
    consent = consent_current()
    claims = 0
    for campaign in Campaign.objects.exclude(goal=Campaign.Goal.ASSIST):
        for manager in managers:
            link = services.link_get_or_create(campaign=campaign, staff=manager)
            visitors = list(Visitor.objects.filter(owner=manager, is_bot=False).order_by("pk")[:8])
            for visitor in visitors:
                services.campaign_action_record(
                    campaign=campaign, action="impression", visitor=visitor, page_staff=manager
                )
                if rng.random() < 0.5:
                    services.campaign_action_record(
                        campaign=campaign, action="click", visitor=visitor, page_staff=manager
                    )
                    if campaign.goal == Campaign.Goal.QUOTA and consent is not None and rng.random() < 0.6:
                        mobile = f"139{rng.randint(10000000, 99999999)}"
                        try:
                            services.quota_claim(
                                link=link, mobile=mobile, consent=consent, visitor_token=visitor.token, visitor=visitor
                            )
                        except services.ClaimRefused:
                            continue
                        claims += 1
                    elif campaign.goal != Campaign.Goal.QUOTA and rng.random() < 0.4:
                        services.campaign_action_record(
                            campaign=campaign, action="conversion", visitor=visitor, page_staff=manager
                        )
    return claims


def demo_links() -> list[tuple[Staff, str, str]]:
    """(manager, campaign title, link code) of every seeded link, for the demo's printout."""
    return [
        (link.staff, link.campaign.title, link.code)
        for link in CampaignLink.objects.select_related("staff", "campaign").order_by(
            "campaign__starts_at", "staff__branch__path", "pk"
        )
    ]
