"""On a phone-sized screen, a customer sees head office's limited offer at the top of a manager's
storefront, taps it, and claims a unit; the unit is theirs and counted for that manager."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, QuotaClaim
from tests.factories import manager_with_page

pytestmark = pytest.mark.browser


def test_customer_taps_the_campaign_banner_and_claims_a_unit(phone, bank_url, in_browser_bank):
    with in_browser_bank():
        manager = manager_with_page(name="钱多多", employee_no="CP0101")
        now = timezone.now()
        campaign = Campaign.objects.create(
            title="限量好礼",
            headline="限量好礼 · 先到先得",
            text="新客专享，每人限领一份。",
            button_label="立即领取",
            goal=Campaign.Goal.QUOTA,
            status=Campaign.Status.PUBLISHED,
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(days=1),
            quota_units=2,
        )
    try:
        page = phone
        page.goto(f"{bank_url}/s/{manager.code}")
        banner = page.locator(f'a.campaign-banner[data-campaign="{campaign.pk}"]')
        assert "限量好礼 · 先到先得" in banner.inner_text()
        banner.click()
        page.wait_for_url(re.compile(r"/c/[\w-]+$"))
        assert "2" in page.inner_text(".units")
        page.fill("#id_mobile", "13912345678")
        page.check("input[name=consent]")
        page.click(".claim button[type=submit]")
        page.wait_for_url(re.compile(r"\?done=1$"))
        assert "139****5678" in page.inner_text("#claimed")
        with in_browser_bank():
            claim = QuotaClaim.objects.get(campaign=campaign)
            assert claim.number == 1 and claim.staff_id == manager.pk
            assert Campaign.objects.get(pk=campaign.pk).quota_claimed == 1
    finally:
        with in_browser_bank():
            Campaign.objects.filter(pk=campaign.pk).delete()
