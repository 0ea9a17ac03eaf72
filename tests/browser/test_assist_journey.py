"""Friend assist on phones: a customer starts an assist from a manager's campaign link, two friends
help through the share link, and the starter (only the starter) sees the reward code."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.assist.models import AssistChain, AssistSetup, RewardCode
from campaigns.assist.services import reward_codes_add
from campaigns.models import Campaign, CampaignLink
from tests.factories import StaffFactory

pytestmark = pytest.mark.browser


def _phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _give_mobile(page, mobile: str):
    page.fill("input[name=mobile]", mobile)
    page.check("input[name=consent]")
    page.click("form button[type=submit]")


def test_a_customer_gets_two_friends_to_help_and_sees_their_code(chromium, phone, bank_url, in_browser_bank):
    with in_browser_bank():
        manager = StaffFactory(name="钱多多", employee_no="AS0101")
        now = timezone.now()
        campaign = Campaign.objects.create(
            title="邀好友助力 赢话费",
            goal=Campaign.Goal.ASSIST,
            status=Campaign.Status.PUBLISHED,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=7),
        )
        setup = AssistSetup.objects.create(campaign=campaign, helpers_needed=2, reward_title="10元话费")
        reward_codes_add(setup=setup, codes=["JOURNEY-88"], actor=None)
        link = CampaignLink.objects.create(campaign=campaign, staff=manager, code="asjourney1")

    try:
        starter = phone
        starter.goto(f"{bank_url}/c/{link.code}/assist/")
        assert "10元话费" in starter.inner_text("main")
        _give_mobile(starter, "13912340000")
        starter.wait_for_url(re.compile(r"/c/asjourney1/assist/[\w-]+/$"))
        share_url = starter.locator("input.share-url").input_value()
        assert share_url == starter.url

        friends = [_phone(chromium), _phone(chromium)]
        for n, friend in enumerate(friends):
            friend.goto(share_url)
            assert "139****0000" in friend.inner_text("main")
            _give_mobile(friend, f"1380000000{n}")
            friend.wait_for_url(re.compile(r"\?helped=1$"))
            assert friend.locator(".ok[role=status]").is_visible()

        starter.reload()
        assert starter.inner_text(".reward-code") == "JOURNEY-88"
        assert "138****0001" in starter.inner_text(".helpers")
        friends[0].reload()
        assert "JOURNEY-88" not in friends[0].content()
        for friend in friends:
            friend.context.close()
        with in_browser_bank():
            chain = AssistChain.objects.get(campaign__title="邀好友助力 赢话费")
            assert chain.staff.employee_no == "AS0101"
            assert chain.reward_status == AssistChain.Reward.GIVEN and chain.assist_count == 2
    finally:  # the browser bank is shared by the journeys: leave no running campaign behind
        with in_browser_bank():
            RewardCode.objects.filter(setup=setup).delete()  # given codes protect their chain
            Campaign.objects.filter(pk=campaign.pk).delete()
