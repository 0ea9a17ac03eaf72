"""The customer's side: `/c/<code>` (attribution, leading on, claiming) and the placements a
storefront page shows."""

import re

from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from campaigns import services
from campaigns.models import Campaign, QuotaClaim
from insights.identity import COOKIE_NAME
from insights.ingest import hits_drain
from insights.models import Event, Source, Tag, Visitor, VisitorTag
from questionnaires.models import Questionnaire
from tests.campaigns.conftest import campaign_make, claim_data, quota_make, visitor_client
from tests.factories import ProductFactory, StaffFactory

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.47"


def phone() -> Client:
    return Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER)


def actions(campaign, action: str):
    return Event.objects.filter(
        kind="campaign", object_type="campaign", object_id=str(campaign.pk), data__action=action
    )


# --- Attribution through /c/<code> ------------------------------------------------------------------


def test_a_campaign_link_attributes_a_new_customer_like_a_scan_of_the_managers_page(manager):
    link = services.link_get_or_create(campaign=campaign_make(), staff=manager)
    customer = phone()
    response = customer.get(f"/c/{link.code}")
    assert response.status_code == 200 and COOKIE_NAME in response.cookies
    hits_drain()
    visitor = Visitor.objects.get()
    assert visitor.owner == manager and visitor.first_staff == manager and visitor.source == Source.SCAN
    assert Event.objects.filter(kind="scan", visitor=visitor, staff=manager, page_staff=manager).count() == 1
    click = actions(link.campaign, "click").get()
    assert click.staff == manager and click.page_staff == manager


def test_a_customer_of_another_manager_stays_theirs_within_the_protection_period(manager):
    colleague = StaffFactory()
    link = services.link_get_or_create(campaign=campaign_make(), staff=manager)
    customer = phone()
    customer.post(f"/s/{colleague.code}/t?e=1")
    hits_drain()
    customer.get(f"/c/{link.code}")
    hits_drain()
    visitor = Visitor.objects.get()
    assert visitor.owner == colleague
    # The click counts for the customer's own manager, through this manager's page.
    click = actions(link.campaign, "click").get()
    assert click.staff == colleague and click.page_staff == manager and click.visitor == visitor


def test_unknown_and_draft_campaign_links_are_not_found(manager):
    draft = campaign_make(status=Campaign.Status.DRAFT)
    link = services.link_get_or_create(campaign=draft, staff=manager)
    assert phone().get(f"/c/{link.code}").status_code == 404
    assert phone().get("/c/nosuchcode0").status_code == 404


def test_an_ended_campaign_says_so(manager):
    link = services.link_get_or_create(campaign=campaign_make(status=Campaign.Status.STOPPED), staff=manager)
    response = phone().get(f"/c/{link.code}")
    assert response.status_code == 410
    assert gettext("This campaign has ended. Thank you for your interest!") in response.content.decode()


def test_a_bank_never_resolves_another_banks_campaign_link(manager, other_client):
    link = services.link_get_or_create(campaign=campaign_make(), staff=manager)
    assert other_client.get(f"/c/{link.code}").status_code == 404
    assert other_client.post(f"/c/{link.code}/claim", claim_data("13800000001")).status_code == 404


# --- Leading on -------------------------------------------------------------------------------------


def test_a_product_campaign_leaves_through_the_storefronts_tracked_catalog_link(manager):
    product = ProductFactory(link_url="https://bank.example.com/products/deposit-3y")
    link = services.link_get_or_create(campaign=campaign_make(product=product), staff=manager)
    customer = phone()
    page = customer.get(f"/c/{link.code}").content.decode()
    assert f"/c/{link.code}/go" in page
    onward = customer.get(f"/c/{link.code}/go", {"next": "https://evil.example.com/"})
    assert onward.status_code == 302
    assert onward.url == reverse("storefront:outbound", args=[manager.code, "product", product.pk])
    assert customer.get(onward.url).url == "https://bank.example.com/products/deposit-3y"
    assert actions(link.campaign, "conversion").count() == 1


def test_a_product_taken_off_sale_leads_back_to_the_campaign(manager):
    product = ProductFactory()
    link = services.link_get_or_create(campaign=campaign_make(product=product), staff=manager)
    product.status = "off_sale"
    product.save()
    onward = phone().get(f"/c/{link.code}/go")
    assert onward.status_code == 302 and onward.url.startswith(f"/c/{link.code}")
    assert actions(link.campaign, "conversion").count() == 0


def test_a_questionnaire_campaign_leads_to_the_managers_own_questionnaire_link(manager, hq):
    questionnaire = Questionnaire.objects.create(owner=hq, title="满意度", status=Questionnaire.Status.PUBLISHED)
    campaign = campaign_make(goal=Campaign.Goal.QUESTIONNAIRE, questionnaire=questionnaire, product=None)
    link = services.link_get_or_create(campaign=campaign, staff=manager)
    onward = phone().get(f"/c/{link.code}/go")
    share = questionnaire.shares.get(staff=manager)
    assert onward.status_code == 302 and onward.url == f"/q/{share.code}"


def test_a_friend_assist_campaign_link_opens_the_assist_page(manager):
    campaign = campaign_make(goal=Campaign.Goal.ASSIST, product=None)
    link = services.link_get_or_create(campaign=campaign, staff=manager)
    response = phone().get(f"/c/{link.code}")
    assert response.status_code == 302
    assert response.url == reverse("campaigns_assist:start", args=[link.code])
    assert actions(campaign, "click").count() == 1


# --- Claiming over HTTP -----------------------------------------------------------------------------


def test_claiming_a_unit_then_seeing_it_and_not_claiming_twice(manager):
    link = services.link_get_or_create(campaign=quota_make(units=3), staff=manager)
    customer, _visitor = visitor_client(1, owner=manager)
    page = customer.get(f"/c/{link.code}").content.decode()
    assert f'action="/c/{link.code}/claim"' in page
    response = customer.post(f"/c/{link.code}/claim", claim_data("13812345678"))
    assert response.status_code == 302
    page = customer.get(response.url).content.decode()
    assert 'id="claimed"' in page and "138****5678" in page
    again = customer.post(f"/c/{link.code}/claim", claim_data("13900000000"))
    assert again.status_code == 409
    assert gettext("You have already claimed this offer.") in again.content.decode()
    assert QuotaClaim.objects.count() == 1


def test_a_sold_out_offer_answers_410_and_a_future_one_409(manager):
    from datetime import timedelta

    from django.utils import timezone

    sold = quota_make(units=1)
    link = services.link_get_or_create(campaign=sold, staff=manager)
    assert phone().post(f"/c/{link.code}/claim", claim_data("13800000001")).status_code == 302
    refused = phone().post(f"/c/{link.code}/claim", claim_data("13800000002"))
    assert refused.status_code == 410
    assert gettext("Sorry, this offer is sold out.") in refused.content.decode()
    now = timezone.now()
    future = quota_make(starts_at=now + timedelta(hours=2), ends_at=now + timedelta(days=2))
    early = services.link_get_or_create(campaign=future, staff=manager)
    assert phone().post(f"/c/{early.code}/claim", claim_data("13800000003")).status_code == 409


def test_a_claim_needs_a_valid_mobile_and_consent(manager):
    link = services.link_get_or_create(campaign=quota_make(), staff=manager)
    bad = phone().post(f"/c/{link.code}/claim", {"mobile": "12345", "consent_version": 1})
    assert bad.status_code == 400
    assert QuotaClaim.objects.count() == 0
    assert Campaign.objects.get(pk=link.campaign_id).quota_claimed == 0


def test_the_claim_form_is_csrf_protected(manager):
    link = services.link_get_or_create(campaign=quota_make(), staff=manager)
    strict = Client(HTTP_HOST="testbank.localhost", enforce_csrf_checks=True)
    assert strict.post(f"/c/{link.code}/claim", claim_data("13800000001")).status_code == 403
    page = strict.get(f"/c/{link.code}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert (
        strict.post(f"/c/{link.code}/claim", {**claim_data("13800000001"), "csrfmiddlewaretoken": token}).status_code
        == 302
    )


def test_claims_are_rate_limited(manager, settings):
    settings.CAMPAIGN_CLAIMS_PER_VISITOR_HOUR = 2
    link = services.link_get_or_create(campaign=quota_make(), staff=manager)
    customer, _visitor = visitor_client(1)
    statuses = [customer.post(f"/c/{link.code}/claim", {"mobile": "1"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_a_robot_filling_the_honeypot_takes_no_unit(manager):
    link = services.link_get_or_create(campaign=quota_make(), staff=manager)
    response = phone().post(f"/c/{link.code}/claim", {**claim_data("13800000001"), "website": "http://spam"})
    assert response.status_code == 302 and QuotaClaim.objects.count() == 0


# --- Placements on storefront pages ------------------------------------------------------------------


def test_storefront_page_shows_a_campaign_for_everyone_and_flags_targeted_ones(manager):
    tag = Tag.objects.create(name="理财意向B")
    for_all = campaign_make(title="全员活动", headline="全员活动横幅")
    campaign_make(title="定向活动", headline="定向活动横幅", audience_tags=[tag])
    html = phone().get(f"/s/{manager.code}").content.decode()
    link = for_all.links.get(staff=manager)
    assert f'href="/c/{link.code}"' in html and f'data-campaign="{for_all.pk}"' in html
    assert "全员活动横幅" in html
    assert "定向活动横幅" not in html  # never in the page cached for everyone
    assert "data-personal" in html


def test_a_new_campaign_reaches_a_cached_page_at_once(manager):
    customer = phone()
    assert 'class="block campaign-banner"' not in customer.get(f"/s/{manager.code}").content.decode()
    campaign_make(headline="新活动横幅")
    assert "新活动横幅" in customer.get(f"/s/{manager.code}").content.decode()


def test_opting_in_puts_the_campaign_on_the_managers_cached_page(manager):
    campaign = campaign_make(headline="自选活动横幅", reach=Campaign.Reach.OPT_IN)
    customer = phone()
    assert "自选活动横幅" not in customer.get(f"/s/{manager.code}").content.decode()
    services.opt_in_set(campaign=campaign, staff=manager, joined=True)
    assert "自选活动横幅" in customer.get(f"/s/{manager.code}").content.decode()


def test_a_cached_page_with_campaigns_is_still_served_without_database_queries(manager, django_assert_num_queries):
    campaign_make()
    first = phone().get(f"/s/{manager.code}")
    with django_assert_num_queries(0):
        second = phone().get(f"/s/{manager.code}")
    assert second.content == first.content


def _placements(client, staff, shown=""):
    return client.post(f"/c/page/{staff.code}", {"shown": shown})


def test_targeted_banners_reach_only_visitors_with_the_tags(manager):
    tag = Tag.objects.create(name="理财意向C")
    targeted = campaign_make(headline="只给理财客户", audience_tags=[tag])
    untagged, _ = visitor_client(1, owner=manager)
    tagged, visitor = visitor_client(2, owner=manager)
    VisitorTag.objects.create(visitor=visitor, tag=tag)
    assert _placements(untagged, manager).content == b""
    answer = _placements(tagged, manager)
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert "只给理财客户" in answer.content.decode()
    assert actions(targeted, "impression").get().visitor == visitor


def test_pop_up_respects_its_daily_cap_per_visitor(manager):
    popup = campaign_make(headline="弹窗活动", show_banner=False, show_popup=True, popup_daily_cap=2)
    customer, _visitor = visitor_client(1, owner=manager)
    shown = ["campaign-popup" in _placements(customer, manager).content.decode() for _ in range(4)]
    assert shown == [True, True, False, False]
    other, _ = visitor_client(2, owner=manager)
    assert "campaign-popup" in _placements(other, manager).content.decode()  # the cap is per visitor
    assert actions(popup, "impression").count() == 3


def test_impressions_of_cached_banners_are_recorded_only_for_real_running_campaigns(manager):
    shown = campaign_make()
    draft = campaign_make(status=Campaign.Status.DRAFT)
    customer, _visitor = visitor_client(1, owner=manager)
    _placements(customer, manager, shown=f"{shown.pk},{draft.pk},abc,99999")
    assert actions(shown, "impression").count() == 1
    assert actions(draft, "impression").count() == 0


def test_placements_refuse_other_sites(manager):
    campaign_make(show_popup=True)
    response = phone().post(f"/c/page/{manager.code}", {"shown": ""}, headers={"Origin": "https://evil.example.com"})
    assert response.status_code == 403


def test_campaign_card_block_links_to_the_page_owners_own_link(manager):
    from campaigns.blocks import CampaignBlock

    campaign = campaign_make(headline="卡片活动")
    html = CampaignBlock().render(
        CampaignBlock().to_python({"campaign": campaign.pk}), context={"page_code": manager.code}
    )
    link = campaign.links.get(staff=manager)
    assert f'href="/c/{link.code}"' in html and "卡片活动" in html
    ended = campaign_make(status=Campaign.Status.STOPPED)
    assert (
        CampaignBlock()
        .render(CampaignBlock().to_python({"campaign": ended.pk}), context={"page_code": manager.code})
        .strip()
        == ""
    )


def test_sold_out_answers_do_not_use_up_the_rate_limit(manager, settings):
    """A refusal writes nothing, so a crowd retrying a sold-out offer is told so, never 429."""
    settings.CAMPAIGN_CLAIMS_PER_VISITOR_HOUR = 1
    link = services.link_get_or_create(campaign=quota_make(units=1), staff=manager)
    assert phone().post(f"/c/{link.code}/claim", claim_data("13800000001")).status_code == 302
    customer, _visitor = visitor_client(1)
    statuses = [customer.post(f"/c/{link.code}/claim", claim_data("13800000002")).status_code for _ in range(3)]
    assert statuses == [410, 410, 410]
