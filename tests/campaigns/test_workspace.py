"""Head office edits campaigns in /cms/ (only head office); staff share, opt in and read figures,
in their scope, in the workspace; exports are audited; banks never see each other's campaigns."""

import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from campaigns import services
from campaigns.models import Campaign, CampaignOptIn
from insights.models import Visitor
from org.models import AuditLog
from tests.campaigns.conftest import campaign_make, quota_make, staff_client
from tests.factories import BranchFactory, ProductFactory, StaffFactory

CAMPAIGNS = "wagtailsnippets_campaigns_campaign"


def cms_form(**overrides) -> dict:
    data = {
        "title": "春季开门红",
        "kind": "acquisition",
        "starts_at": "2030-02-01 09:00",
        "ends_at": "2030-02-28 18:00",
        "headline": "开门红",
        "text": "限量好礼",
        "button_label": "立即领取",
        "goal": "quota",
        "quota_units": "100",
        "popup_daily_cap": "1",
        "show_banner": "on",
        "reach": "every_page",
        "status": "published",
    }
    return {**data, **overrides}


# --- /cms/ ------------------------------------------------------------------------------------------


def test_head_office_creates_a_campaign_in_the_cms(hq):
    client = staff_client(hq)
    assert client.get(reverse(f"{CAMPAIGNS}:list")).status_code == 200
    response = client.post(reverse(f"{CAMPAIGNS}:add"), cms_form())
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="春季开门红")
    assert campaign.goal == "quota" and campaign.quota_units == 100 and campaign.is_running() is False


def test_the_cms_refuses_a_campaign_without_its_goals_target(hq):
    client = staff_client(hq)
    no_units = client.post(reverse(f"{CAMPAIGNS}:add"), cms_form(quota_units=""))
    no_product = client.post(reverse(f"{CAMPAIGNS}:add"), cms_form(goal="product", quota_units=""))
    backwards = client.post(reverse(f"{CAMPAIGNS}:add"), cms_form(ends_at="2030-01-01 09:00"))
    assert {no_units.status_code, no_product.status_code, backwards.status_code} == {200}
    assert not Campaign.objects.exists()
    product = ProductFactory()
    assert client.post(reverse(f"{CAMPAIGNS}:add"), cms_form(goal="product", product=product.pk)).status_code == 302


def test_an_offer_cannot_shrink_below_the_units_already_claimed(hq, manager):
    from tests.campaigns.test_rules import claim

    campaign = quota_make(units=5)
    link = services.link_get_or_create(campaign=campaign, staff=manager)
    claim(link, 1)
    claim(link, 2)
    data = cms_form(title=campaign.title, quota_units="1")
    response = staff_client(hq).post(reverse(f"{CAMPAIGNS}:edit", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert Campaign.objects.get(pk=campaign.pk).quota_units == 5


def test_managers_and_branch_heads_cannot_edit_campaigns(manager):
    head = StaffFactory(role="branch_head", branch=manager.branch)
    campaign = campaign_make()
    for staff in (manager, head):
        client = staff_client(staff)
        assert client.get(reverse(f"{CAMPAIGNS}:list")).status_code in (302, 403)
        assert client.post(reverse(f"{CAMPAIGNS}:add"), cms_form()).status_code in (302, 403)
        edit = client.post(reverse(f"{CAMPAIGNS}:edit", args=[campaign.pk]), cms_form(title="改掉"))
        assert edit.status_code in (302, 403)
    assert list(Campaign.objects.values_list("title", flat=True)) == [campaign.title]


# --- Workspace -------------------------------------------------------------------------------------


def test_staff_see_published_campaigns_with_their_own_link_and_qr(manager):
    running = campaign_make(title="进行中")
    campaign_make(title="草稿中", status=Campaign.Status.DRAFT)
    client = staff_client(manager)
    listing = client.get("/workspace/campaigns/").content.decode()
    assert "进行中" in listing and "草稿中" not in listing
    detail = client.get(f"/workspace/campaigns/{running.pk}/")
    link = running.links.get(staff=manager)
    assert f"/c/{link.code}" in detail.content.decode()
    qr = Client(HTTP_HOST="testbank.localhost").get(f"/c/{link.code}/qr.png")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"
    draft = Campaign.objects.get(title="草稿中")
    assert client.get(f"/workspace/campaigns/{draft.pk}/").status_code == 404


def test_a_manager_opts_in_and_out_of_an_opt_in_campaign(manager):
    campaign = campaign_make(reach=Campaign.Reach.OPT_IN)
    client = staff_client(manager)
    assert client.post(f"/workspace/campaigns/{campaign.pk}/join/").status_code == 302
    assert CampaignOptIn.objects.filter(campaign=campaign, staff=manager).exists()
    assert client.post(f"/workspace/campaigns/{campaign.pk}/leave/").status_code == 302
    assert not CampaignOptIn.objects.filter(campaign=campaign).exists()
    assert client.get(f"/workspace/campaigns/{campaign.pk}/join/").status_code == 405


def _activity(campaign, staff, *, clicks: int, conversions: int):
    for n in range(max(clicks, conversions)):
        visitor = Visitor.objects.create(
            token=f"v{staff.pk}-{n}-{campaign.pk}", share_code=f"s{staff.pk}x{n}c{campaign.pk}"[:16], owner=staff
        )
        if n < clicks:
            services.campaign_action_record(campaign=campaign, action="click", visitor=visitor, page_staff=staff)
        if n < conversions:
            services.campaign_action_record(campaign=campaign, action="conversion", visitor=visitor, page_staff=staff)


def test_figures_and_leaderboard_stay_within_the_viewers_scope(manager, hq):
    other_branch = BranchFactory()
    colleague = StaffFactory(branch=manager.branch, name="同支行")
    far = StaffFactory(branch=other_branch, name="别的支行")
    head = StaffFactory(role="branch_head", branch=manager.branch)
    campaign = campaign_make()
    _activity(campaign, manager, clicks=3, conversions=1)
    _activity(campaign, colleague, clicks=2, conversions=2)
    _activity(campaign, far, clicks=5, conversions=0)
    url = f"/workspace/campaigns/{campaign.pk}/"

    mine = staff_client(manager).get(url).context
    assert mine["figures"]["total"]["clicks"] == 3 and [r["staff"] for r in mine["figures"]["staff"]] == [manager]

    branch = staff_client(head).get(url).context
    assert branch["figures"]["total"]["clicks"] == 5
    assert [r["staff"] for r in branch["figures"]["staff"]] == [colleague, manager]  # ranked by conversions

    bank = staff_client(hq).get(url).context
    assert bank["figures"]["total"]["clicks"] == 10 and bank["figures"]["total"]["conversions"] == 3
    assert [r["rank"] for r in bank["figures"]["staff"]] == [1, 2, 3]
    assert {r["branch"] for r in bank["figures"]["branches"]} == {manager.branch, other_branch}


def test_exports_are_scoped_and_audited(manager, hq):
    campaign = campaign_make()
    colleague = StaffFactory(name="别人")
    _activity(campaign, manager, clicks=2, conversions=1)
    _activity(campaign, colleague, clicks=1, conversions=1)
    csv = staff_client(manager).get(f"/workspace/campaigns/{campaign.pk}/export.csv?by=staff")
    text = csv.content.decode()
    assert csv.status_code == 200 and text.startswith("\ufeff")
    assert manager.name in text and "别人" not in text
    xlsx = staff_client(hq).get(f"/workspace/campaigns/{campaign.pk}/export.xlsx?by=branch")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert len(rows) == 3  # header and two branches
    logged = AuditLog.objects.filter(action="campaign.export").order_by("pk")
    assert [(a.actor, a.detail["format"], a.detail["by"]) for a in logged] == [
        (manager, "csv", "staff"),
        (hq, "xlsx", "branch"),
    ]
    assert staff_client(hq).get(f"/workspace/campaigns/{campaign.pk}/export.pdf").status_code == 404


def test_another_banks_staff_cannot_reach_this_banks_campaigns(manager, other_client, in_other_bank):
    campaign = campaign_make(title="本行独有活动")
    with in_other_bank():
        stranger = StaffFactory(role="hq_admin")
        other_client.force_login(stranger.user)
        assert other_client.get(f"/workspace/campaigns/{campaign.pk}/").status_code == 404
        listing = other_client.get("/workspace/campaigns/")
        assert listing.status_code == 200 and "本行独有活动" not in listing.content.decode()
