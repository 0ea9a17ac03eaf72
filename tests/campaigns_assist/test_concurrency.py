"""Exactly one reward under a burst: many friends helping at once when one assist is missing, and
two chains completing at once over a pool of one code. Real threads, committed data, PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from campaigns.assist import services
from campaigns.assist.models import Assist, AssistChain, AssistSetup, RewardCode
from campaigns.models import Campaign, CampaignLink
from customers.services import consent_current
from insights.models import Event
from org.models import AuditLog, Staff
from tests.factories import StaffFactory

FRIENDS = 20


@pytest.fixture
def committed_campaign(test_banks, django_db_blocker):
    """A running campaign (3 friends needed) with one manager's link, committed for the threads."""
    bank = test_banks["testbank"]
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        manager = StaffFactory()
        now = timezone.now()
        campaign = Campaign.objects.create(
            title="并发助力",
            goal=Campaign.Goal.ASSIST,
            status=Campaign.Status.PUBLISHED,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1),
        )
        setup = AssistSetup.objects.create(
            campaign=campaign, helpers_needed=3, chains_per_starter=5, reward_title="话费", review_network_assists=100
        )
        link = CampaignLink.objects.create(campaign=campaign, staff=manager, code=f"cc{campaign.pk:08d}")
        try:
            yield bank, setup, link
        finally:
            Event.objects.filter(object_type="campaign", object_id=str(campaign.pk)).delete()
            AuditLog.objects.filter(target_type="assistsetup", target_id=str(setup.pk)).delete()
            RewardCode.objects.filter(setup=setup).delete()
            campaign.delete()
            user, branch = manager.user, manager.branch
            Staff.objects.filter(pk=manager.pk).delete()
            user.delete()
            branch.delete()


def _chain_one_short(link: CampaignLink, n: int) -> AssistChain:
    consent = consent_current()
    starter = services.Participant(token=f"starter-{n}", visitor=None, network_hash=f"s{n}")
    chain = services.chain_start(link=link, mobile=f"1370000{n:04d}", consent=consent, participant=starter)
    for k in range(2):
        friend = services.Participant(token=f"early-{n}-{k}", visitor=None, network_hash=f"e{n}{k}")
        services.assist_give(chain=chain, mobile=f"1360{n:03d}{k:04d}", consent=consent, participant=friend)
    return chain


def _burst(urls: list[str], consent_version: int) -> tuple[list[int], list[Exception]]:
    barrier = threading.Barrier(len(urls))
    statuses, failures = [], []

    def help_friend(index: int, url: str):
        try:
            client = Client(HTTP_HOST="testbank.localhost", REMOTE_ADDR=f"10.{index // 250}.{index % 250}.9")
            data = {"mobile": f"1350000{index:04d}", "consent": "on", "consent_version": consent_version}
            barrier.wait(timeout=30)
            try:
                statuses.append(client.post(url, data).status_code)
            finally:
                connection.close()
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=help_friend, args=(i, url)) for i, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses, failures


def test_twenty_friends_at_once_on_the_last_assist_give_one_reward(committed_campaign, django_db_blocker, settings):
    settings.LEAD_SUBMITS_PER_NETWORK_HOUR = 1000
    bank, setup, link = committed_campaign
    with django_db_blocker.unblock():
        with schema_context(bank.schema_name):
            services.reward_codes_add(setup=setup, codes=["ONE", "TWO", "THREE"], actor=None)
            chain = _chain_one_short(link, 1)
            version = consent_current().version
        url = f"/c/{link.code}/assist/{chain.token}/"
        statuses, failures = _burst([url] * FRIENDS, version)
        assert not failures
        assert len(statuses) == FRIENDS
        assert statuses.count(302) == 1 and statuses.count(409) == FRIENDS - 1
        with schema_context(bank.schema_name):
            chain.refresh_from_db()
            assert chain.assist_count == 3 and Assist.objects.filter(chain=chain).count() == 3
            assert chain.status == AssistChain.Status.COMPLETED and chain.reward_status == AssistChain.Reward.GIVEN
            assert RewardCode.objects.filter(setup=setup, chain__isnull=False).count() == 1
            assert RewardCode.objects.get(chain=chain).code == "ONE"
            rewards = Event.objects.filter(object_id=str(setup.campaign_id), data__action="reward")
            assert rewards.count() == 1


def test_two_chains_completing_at_once_share_a_pool_of_one_code_without_giving_it_twice(
    committed_campaign, django_db_blocker, settings
):
    settings.LEAD_SUBMITS_PER_NETWORK_HOUR = 1000
    bank, setup, link = committed_campaign
    with django_db_blocker.unblock():
        with schema_context(bank.schema_name):
            services.reward_codes_add(setup=setup, codes=["LAST-CODE"], actor=None)
            chains = [_chain_one_short(link, 2), _chain_one_short(link, 3)]
            version = consent_current().version
        urls = [f"/c/{link.code}/assist/{chain.token}/" for chain in chains for _ in range(FRIENDS // 2)]
        statuses, failures = _burst(urls, version)
        assert not failures
        assert statuses.count(302) == 2
        with schema_context(bank.schema_name):
            done = list(AssistChain.objects.filter(pk__in=[c.pk for c in chains]))
            assert all(c.status == AssistChain.Status.COMPLETED and c.assist_count == 3 for c in done)
            assert sorted(c.reward_status for c in done) == [AssistChain.Reward.GIVEN, AssistChain.Reward.OWED]
            code = RewardCode.objects.get(setup=setup)
            winner = next(c for c in done if c.reward_status == AssistChain.Reward.GIVEN)
            assert code.chain_id == winner.pk
            rewards = Event.objects.filter(object_id=str(setup.campaign_id), data__action="reward")
            assert rewards.count() == 2 and rewards.filter(data__owed=True).count() == 1
