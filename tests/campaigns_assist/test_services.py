"""Friend-assist rules, enforced by the services whatever calls them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.assist import services
from campaigns.assist.models import Assist, AssistChain, AssistSetup, RewardCode
from customers import pii
from insights.models import Event, Visitor
from org.models import AuditLog
from org.services.staff import staff_leave
from tests.campaigns_assist.conftest import (
    campaign_create,
    chain_with,
    link_create,
    mobile,
    person,
    setup_create,
)
from tests.factories import StaffFactory


def campaign_events(campaign, action):
    return Event.objects.filter(
        kind=Event.Kind.CAMPAIGN, object_type="campaign", object_id=str(campaign.pk), data__action=action
    )


# --- Starting ---------------------------------------------------------------------------------------


def test_starting_creates_a_chain_for_the_links_manager_and_identifies_the_visitor(link, consent, manager):
    visitor = Visitor.objects.create(token="t" * 32, share_code="s" * 16)
    participant = services.Participant(token=visitor.token, visitor=visitor, network_hash="n1")
    chain = services.chain_start(link=link, mobile="139 1234 5678", consent=consent, participant=participant)
    assert chain.staff == manager and chain.branch_id == manager.branch_id
    assert chain.target == 3 and chain.assist_count == 0 and chain.status == AssistChain.Status.ACTIVE
    assert chain.mobile_masked == "139****5678" and chain.mobile == "13912345678"
    assert "13912345678" not in chain.mobile_encrypted
    assert chain.phone_hash == pii.phone_hash("13912345678")
    visitor.refresh_from_db()
    assert visitor.phone_masked == "139****5678"
    event = campaign_events(link.campaign, "join").get()
    assert event.visitor == visitor and event.page_staff == manager and event.staff == manager


def test_a_chain_started_on_a_departed_managers_link_goes_to_their_successor(link, consent, manager):
    successor = StaffFactory(name="接任者")
    staff_leave(staff=manager, successor=successor, actor=None)
    chain = chain_with(link, consent)
    assert chain.staff == successor


def test_one_customer_may_start_only_as_many_chains_as_the_cap_by_phone_or_device(link, consent):
    starter = person()
    services.chain_start(link=link, mobile=mobile(1), consent=consent, participant=starter)
    with pytest.raises(services.AssistRefused) as same_phone:
        services.chain_start(link=link, mobile=mobile(1), consent=consent, participant=person())
    with pytest.raises(services.AssistRefused) as same_device:
        services.chain_start(link=link, mobile=mobile(2), consent=consent, participant=starter)
    assert same_phone.value.status == same_device.value.status == 409
    assert AssistChain.objects.count() == 1


def test_a_higher_cap_allows_more_chains(link, consent, setup):
    AssistSetup.objects.filter(pk=setup.pk).update(chains_per_starter=2)
    services.chain_start(link=link, mobile=mobile(1), consent=consent, participant=person())
    services.chain_start(link=link, mobile=mobile(1), consent=consent, participant=person())
    with pytest.raises(services.AssistRefused):
        services.chain_start(link=link, mobile=mobile(1), consent=consent, participant=person())
    assert AssistChain.objects.count() == 2


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"starts_at_days": 1, "ends_at_days": 5}, "将于"),
        ({"starts_at_days": -5, "ends_at_days": -1}, "已结束"),
        ({"status": "stopped"}, "已结束"),
    ],
)
def test_no_start_or_assist_outside_the_window(bank, manager, consent, window, message):
    campaign = campaign_create()
    setup_create(campaign)
    link = link_create(campaign, manager)
    chain = chain_with(link, consent)
    now = timezone.now()
    if "status" in window:
        campaign.status = window["status"]
    else:
        campaign.starts_at = now + timedelta(days=window["starts_at_days"])
        campaign.ends_at = now + timedelta(days=window["ends_at_days"])
    campaign.save()
    link.campaign.refresh_from_db()
    chain.campaign.refresh_from_db()
    with pytest.raises(services.AssistRefused) as start:
        services.chain_start(link=link, mobile=mobile(), consent=consent, participant=person())
    with pytest.raises(services.AssistRefused) as assist:
        services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person())
    assert start.value.status == assist.value.status == 409
    assert message in str(start.value) and message in str(assist.value)
    assert AssistChain.objects.count() == 1 and not Assist.objects.exists()


# --- Fraud rules ------------------------------------------------------------------------------------


def test_no_self_assist_from_the_starters_device_phone_or_visitor(link, consent):
    visitor = Visitor.objects.create(token="v" * 32, share_code="w" * 16)
    starter = services.Participant(token="starter-device", visitor=visitor, network_hash="n0")
    chain = services.chain_start(link=link, mobile=mobile(7), consent=consent, participant=starter)
    attempts = [
        (mobile(), starter),  # same device, another number
        (mobile(7), person()),  # same number, another device
        (mobile(), services.Participant(token="other-device", visitor=visitor, network_hash="n9")),  # same visitor
    ]
    for number, participant in attempts:
        with pytest.raises(services.AssistRefused) as refused:
            services.assist_give(chain=chain, mobile=number, consent=consent, participant=participant)
        assert refused.value.status == 403
        assert str(refused.value) == _("You cannot help your own assist. Share it with your friends!")
    assert not Assist.objects.exists()


def test_each_friend_helps_once_per_campaign_by_device_and_by_phone(link, consent, manager):
    first, second = chain_with(link, consent), chain_with(link, consent)
    friend = person()
    services.assist_give(chain=first, mobile=mobile(50), consent=consent, participant=friend)
    with pytest.raises(services.AssistRefused) as same_device:
        services.assist_give(chain=second, mobile=mobile(51), consent=consent, participant=friend)
    with pytest.raises(services.AssistRefused) as same_phone:
        services.assist_give(chain=second, mobile=mobile(50), consent=consent, participant=person())
    with pytest.raises(services.AssistRefused) as same_chain_again:
        services.assist_give(chain=first, mobile=mobile(50), consent=consent, participant=friend)
    assert same_device.value.status == same_phone.value.status == same_chain_again.value.status == 409
    assert Assist.objects.count() == 1
    first.refresh_from_db()
    assert first.assist_count == 1
    # Another campaign is another chance.
    other = campaign_create(title="另一个活动")
    setup_create(other)
    other_chain = chain_with(link_create(other, manager), consent)
    services.assist_give(chain=other_chain, mobile=mobile(50), consent=consent, participant=friend)
    assert Assist.objects.count() == 2


def test_too_many_assists_from_one_network_within_the_hour_are_refused(link, consent, setup):
    AssistSetup.objects.filter(pk=setup.pk).update(network_assists_per_hour=2, review_network_assists=10)
    chains = [chain_with(link, consent) for _ in range(3)]
    for chain in chains[:2]:
        services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person(network="cafe"))
    with pytest.raises(services.AssistRefused) as refused:
        services.assist_give(chain=chains[2], mobile=mobile(), consent=consent, participant=person(network="cafe"))
    assert refused.value.status == 429
    # An hour later the network may help again; another network may help at once.
    services.assist_give(chain=chains[2], mobile=mobile(), consent=consent, participant=person(network="home"))
    Assist.objects.filter(network_hash="cafe").update(created_at=timezone.now() - timedelta(minutes=61))
    services.assist_give(chain=chains[2], mobile=mobile(), consent=consent, participant=person(network="cafe"))
    assert Assist.objects.filter(network_hash="cafe").count() == 3


def test_too_many_starts_and_assists_from_one_device_within_the_hour_are_refused(bank, manager, consent):
    device = person()
    links = []
    for n in range(3):
        campaign = campaign_create(title=f"活动{n}")
        setup_create(campaign, device_actions_per_hour=2)
        links.append(link_create(campaign, manager))
    services.chain_start(link=links[0], mobile=mobile(), consent=consent, participant=device)
    services.assist_give(chain=chain_with(links[1], consent), mobile=mobile(), consent=consent, participant=device)
    with pytest.raises(services.AssistRefused) as refused:
        services.assist_give(chain=chain_with(links[2], consent), mobile=mobile(), consent=consent, participant=device)
    assert refused.value.status == 429
    with pytest.raises(services.AssistRefused):
        services.chain_start(link=links[2], mobile=mobile(), consent=consent, participant=device)


def test_many_assists_from_one_network_within_minutes_flag_the_chain(link, consent, setup):
    AssistSetup.objects.filter(pk=setup.pk).update(helpers_needed=10, review_network_assists=3)
    flagged, clean = chain_with(link, consent), chain_with(link, consent)
    for _n in range(3):
        services.assist_give(chain=flagged, mobile=mobile(), consent=consent, participant=person(network="farm"))
        services.assist_give(chain=clean, mobile=mobile(), consent=consent, participant=person())
    flagged.refresh_from_db()
    clean.refresh_from_db()
    assert flagged.flagged_at is not None
    assert clean.flagged_at is None


def test_assists_from_one_network_spread_over_time_do_not_flag(link, consent, setup):
    AssistSetup.objects.filter(pk=setup.pk).update(helpers_needed=10, review_network_assists=2, review_window_minutes=5)
    chain = chain_with(link, consent)
    services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person(network="home"))
    Assist.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person(network="home"))
    chain.refresh_from_db()
    assert chain.flagged_at is None


# --- Reward -----------------------------------------------------------------------------------------


def test_the_assist_reaching_the_target_gives_one_code_once(link, consent, setup):
    services.reward_codes_add(setup=setup, codes=["CODE-A", "CODE-B"], actor=None)
    chain = chain_with(link, consent, assists=2)
    assert chain.reward_status == AssistChain.Reward.NONE and not campaign_events(link.campaign, "reward").exists()
    services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person())
    chain.refresh_from_db()
    assert chain.status == AssistChain.Status.COMPLETED and chain.reward_status == AssistChain.Reward.GIVEN
    assert chain.assist_count == 3 and chain.rewarded_at is not None
    assert RewardCode.objects.get(chain=chain).code == "CODE-A"
    assert RewardCode.objects.filter(chain__isnull=True).count() == 1
    assert campaign_events(link.campaign, "reward").count() == 1
    assert campaign_events(link.campaign, "assist").count() == 3
    with pytest.raises(services.AssistRefused) as refused:
        services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person())
    assert refused.value.status == 409
    chain.refresh_from_db()
    assert chain.assist_count == 3
    assert campaign_events(link.campaign, "reward").count() == 1


def test_an_eligible_reward_needs_no_code(link, consent, setup):
    AssistSetup.objects.filter(pk=setup.pk).update(reward_kind=AssistSetup.RewardKind.ELIGIBLE)
    chain = chain_with(link, consent, assists=3)
    assert chain.reward_status == AssistChain.Reward.GIVEN
    assert not RewardCode.objects.exists()
    setup.refresh_from_db()
    with pytest.raises(services.AssistError):
        services.reward_codes_add(setup=setup, codes=["NOT-FOR-THIS"], actor=None)
    assert not RewardCode.objects.exists()


def test_an_empty_pool_leaves_the_chain_owed_until_codes_arrive_oldest_first(link, consent, setup):
    hq = StaffFactory(role="hq_admin")
    first = chain_with(link, consent, assists=3)
    second = chain_with(link, consent, assists=3)
    assert first.status == second.status == AssistChain.Status.COMPLETED
    assert first.reward_status == second.reward_status == AssistChain.Reward.OWED
    assert campaign_events(link.campaign, "reward").filter(data__owed=True).count() == 2
    added = services.reward_codes_add(setup=setup, codes=["ONLY-ONE"], actor=hq)
    assert added == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.reward_status == AssistChain.Reward.GIVEN and first.reward_code.code == "ONLY-ONE"
    assert second.reward_status == AssistChain.Reward.OWED
    services.reward_codes_add(setup=setup, codes=["ONLY-ONE", "SECOND"], actor=hq)  # the first is skipped
    second.refresh_from_db()
    assert second.reward_code.code == "SECOND"
    assert RewardCode.objects.count() == 2
    log = AuditLog.objects.filter(action="assist.codes_add").order_by("created_at")
    assert [entry.detail for entry in log] == [{"added": 1, "owed_settled": 1}, {"added": 1, "owed_settled": 1}]
    assert campaign_events(link.campaign, "reward").count() == 2  # settling does not count a reward twice


def test_codes_are_stored_encrypted(setup):
    services.reward_codes_add(setup=setup, codes=["SECRET-123"], actor=None)
    code = RewardCode.objects.get()
    assert "SECRET-123" not in code.code_encrypted and code.code == "SECRET-123"


# --- The code file ----------------------------------------------------------------------------------


class Upload:
    def __init__(self, content: bytes):
        self.content = content

    def read(self, size=-1):
        return self.content[:size] if size >= 0 else self.content


def test_codes_come_from_text_and_a_csv_with_a_header_without_duplicates():
    upload = Upload("兑换码,面值\nA-1,10\nB-2,10\nA-1,10\n".encode("gb18030"))
    assert services.codes_parse(text="C-3\n\n  A-1  \n", upload=upload) == ["C-3", "A-1", "B-2"]
    assert services.codes_parse(upload=Upload("\ufeffcode\nX1\n".encode())) == ["X1"]


def test_a_code_with_spaces_is_refused():
    with pytest.raises(services.AssistError):
        services.codes_parse(text="AB CD")


# --- Review -----------------------------------------------------------------------------------------


def test_voiding_stops_a_chain_and_is_audited(link, consent):
    hq = StaffFactory(role="hq_admin")
    chain = chain_with(link, consent, assists=1)
    services.chain_void(chain=chain, actor=hq)
    chain.refresh_from_db()
    assert chain.status == AssistChain.Status.VOID and chain.reviewed_by == hq
    with pytest.raises(services.AssistRefused) as refused:
        services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person())
    assert refused.value.status == 409
    entry = AuditLog.objects.get(action="assist.void")
    assert entry.actor == hq and entry.target_id == str(chain.pk) and entry.detail["assists"] == 1


def test_voiding_an_owed_chain_cancels_the_owed_reward(link, consent, setup):
    chain = chain_with(link, consent, assists=3)
    services.chain_void(chain=chain, actor=StaffFactory(role="hq_admin"))
    services.reward_codes_add(setup=setup, codes=["LATE"], actor=None)
    chain.refresh_from_db()
    assert chain.reward_status == AssistChain.Reward.NONE
    assert RewardCode.objects.get().chain is None


def test_a_rewarded_chain_cannot_be_voided(link, consent, setup):
    services.reward_codes_add(setup=setup, codes=["GIVEN"], actor=None)
    chain = chain_with(link, consent, assists=3)
    with pytest.raises(services.AssistError):
        services.chain_void(chain=chain, actor=StaffFactory(role="hq_admin"))
    chain.refresh_from_db()
    assert chain.status == AssistChain.Status.COMPLETED


def test_marking_reviewed_is_audited(link, consent):
    hq = StaffFactory(role="hq_admin")
    chain = chain_with(link, consent)
    services.chain_mark_reviewed(chain=chain, actor=hq)
    chain.refresh_from_db()
    assert chain.reviewed_at is not None and chain.reviewed_by == hq
    assert AuditLog.objects.filter(action="assist.reviewed", target_id=str(chain.pk), actor=hq).exists()
