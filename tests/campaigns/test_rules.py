"""Window, audience and reach rules, and the rules of a limited-quota offer (one thread)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns import selectors, services
from campaigns.models import Campaign, QuotaClaim
from customers.services import consent_current
from insights.models import Tag, Visitor, VisitorTag
from tests.campaigns.conftest import campaign_make, quota_make
from tests.factories import StaffFactory


def page_ids(staff, **kwargs) -> set[int]:
    return {c.pk for c in selectors.campaigns_for_page(staff=staff, **kwargs)}


def test_only_published_campaigns_inside_their_window_run(manager):
    now = timezone.now()
    running = campaign_make()
    draft = campaign_make(status=Campaign.Status.DRAFT)
    stopped = campaign_make(status=Campaign.Status.STOPPED)
    future = campaign_make(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(days=1))
    past = campaign_make(starts_at=now - timedelta(days=2), ends_at=now - timedelta(seconds=1))
    assert page_ids(manager) == {running.pk}
    # The window's start is included, its end is not.
    assert future.pk in page_ids(manager, now=future.starts_at)
    assert past.pk not in page_ids(manager, now=past.ends_at)
    assert draft.is_running() is False and stopped.has_ended() is True


def test_cached_pages_expire_when_the_next_campaign_starts_or_ends(manager):
    now = timezone.now()
    campaign_make(starts_at=now + timedelta(minutes=5), ends_at=now + timedelta(days=1))
    seconds = selectors.seconds_until_campaigns_change(now=now)
    assert 299 <= seconds <= 301
    assert selectors.seconds_until_campaigns_change(now=now + timedelta(days=2)) is None


def test_reach_every_page_or_only_pages_of_managers_who_opt_in(manager):
    colleague = StaffFactory()
    everywhere = campaign_make(title="全行")
    opt_in = campaign_make(title="自选", reach=Campaign.Reach.OPT_IN)
    assert page_ids(manager) == {everywhere.pk}
    services.opt_in_set(campaign=opt_in, staff=manager, joined=True)
    assert page_ids(manager) == {everywhere.pk, opt_in.pk}
    assert page_ids(colleague) == {everywhere.pk}
    services.opt_in_set(campaign=opt_in, staff=manager, joined=False)
    assert page_ids(manager) == {everywhere.pk}
    with pytest.raises(services.CampaignError):
        services.opt_in_set(campaign=everywhere, staff=manager, joined=True)


def test_nobody_opts_in_to_an_ended_campaign(manager):
    now = timezone.now()
    ended = campaign_make(
        reach=Campaign.Reach.OPT_IN, starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1)
    )
    with pytest.raises(services.CampaignError):
        services.opt_in_set(campaign=ended, staff=manager, joined=True)


def test_audience_everyone_or_visitors_with_any_of_the_tags(manager):
    wealth = Tag.objects.create(name="理财意向A")
    loans = Tag.objects.create(name="贷款意向")
    campaign_make(title="所有人")
    targeted = campaign_make(title="定向", audience_tags=[wealth, loans])
    by_id = {c.pk: c for c in selectors.campaigns_for_page(staff=manager)}
    everyone = next(c for c in by_id.values() if c.title == "所有人")
    assert selectors.in_audience(campaign=everyone, tag_ids=set())
    assert not selectors.in_audience(campaign=by_id[targeted.pk], tag_ids=set())
    assert selectors.in_audience(campaign=by_id[targeted.pk], tag_ids={loans.pk})
    visitor = Visitor.objects.create(token="t" * 20, share_code="s" * 10)
    VisitorTag.objects.create(visitor=visitor, tag=wealth)
    assert selectors.visitor_tag_ids(visitor=visitor) == {wealth.pk}


def test_cached_page_carries_only_campaigns_for_everyone(manager):
    tag = Tag.objects.create(name="定向标签")
    for_all = campaign_make(title="所有人")
    campaign_make(title="定向", audience_tags=[tag])
    placements = selectors.page_placements(staff=manager)
    assert [c.pk for c in placements.banners] == [for_all.pk]
    assert placements.personal  # the page must ask for this visitor's own


def test_a_page_without_targeted_or_pop_up_campaigns_asks_for_nothing(manager):
    campaign_make()
    assert selectors.page_placements(staff=manager).personal is False
    campaign_make(title="弹窗", show_popup=True, show_banner=False)
    assert selectors.page_placements(staff=manager).personal is True


# --- Quota -----------------------------------------------------------------------------------------


def claim(link, n: int, *, token=None, mobile=None):
    return services.quota_claim(
        link=link,
        mobile=mobile or f"1380000{n:04d}",
        consent=consent_current(),
        visitor_token=token or f"token-{n}",
        visitor=None,
    )


def test_units_run_out_and_each_is_given_once(manager):
    link = services.link_get_or_create(campaign=quota_make(units=2), staff=manager)
    assert claim(link, 1).number == 1
    assert claim(link, 2).number == 2
    with pytest.raises(services.ClaimRefused) as refused:
        claim(link, 3)
    assert refused.value.status == 410 and refused.value.reason == "sold_out"
    assert Campaign.objects.get(pk=link.campaign_id).quota_claimed == 2


def test_one_unit_per_phone_and_per_visitor(manager):
    link = services.link_get_or_create(campaign=quota_make(units=5), staff=manager)
    claim(link, 1, token="same-browser", mobile="13800000001")
    for kwargs in (
        {"token": "other-browser", "mobile": "13800000001"},
        {"token": "same-browser", "mobile": "13900000009"},
    ):
        with pytest.raises(services.ClaimRefused) as refused:
            claim(link, 9, **kwargs)
        assert refused.value.status == 409 and refused.value.reason == "already_claimed"
    assert Campaign.objects.get(pk=link.campaign_id).quota_claimed == 1


def test_a_claim_refused_by_the_database_gives_its_unit_back(manager, monkeypatch):
    """Two claims of one phone racing past the early check: the second insert fails on the unique
    constraint, and the unit it had taken is rolled back with it."""
    campaign = quota_make(units=5)
    link = services.link_get_or_create(campaign=campaign, staff=manager)
    claim(link, 1, mobile="13800000001")
    monkeypatch.setattr(services, "_claimed_before", lambda **kwargs: False)
    with pytest.raises(services.ClaimRefused) as refused:
        claim(link, 2, mobile="13800000001")
    assert refused.value.reason == "already_claimed"
    assert Campaign.objects.get(pk=campaign.pk).quota_claimed == 1
    assert QuotaClaim.objects.filter(campaign=campaign).count() == 1


def test_not_started_and_ended_offers_refuse(manager):
    now = timezone.now()
    early = quota_make(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(days=1))
    with pytest.raises(services.ClaimRefused) as refused:
        claim(services.link_get_or_create(campaign=early, staff=manager), 1)
    assert refused.value.status == 409 and refused.value.reason == "not_started"
    stopped = quota_make(status=Campaign.Status.STOPPED)
    with pytest.raises(services.ClaimRefused) as refused:
        claim(services.link_get_or_create(campaign=stopped, staff=manager), 2)
    assert refused.value.status == 410 and refused.value.reason == "ended"


def test_the_database_never_lets_claims_exceed_units(manager):
    campaign = quota_make(units=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(quota_claimed=2)


def test_a_claim_counts_for_the_manager_whose_link_brought_the_customer(manager):
    link = services.link_get_or_create(campaign=quota_make(), staff=manager)
    made = claim(link, 1)
    assert made.staff == manager and made.branch_id == manager.branch_id
    assert made.mobile == "13800000001" and made.mobile_masked == "138****0001"
    assert made.mobile_encrypted != "13800000001"
