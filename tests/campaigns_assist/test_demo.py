"""The demo's friend assist is made through the real services and shows each state."""

from campaigns.assist.demo import assist_seed, demo_links
from campaigns.assist.models import AssistChain, RewardCode
from tests.factories import StaffFactory


def test_the_demo_seeds_a_running_campaign_with_chains_in_every_state_once(bank):
    StaffFactory(role="hq_admin")
    managers = [StaffFactory(name=f"经理{n}") for n in range(3)]
    assert assist_seed() == 3
    chains = {chain.staff_id: chain for chain in AssistChain.objects.all()}
    in_progress, rewarded, flagged = (chains[m.pk] for m in managers)
    assert in_progress.status == AssistChain.Status.ACTIVE and in_progress.assist_count == 2
    assert rewarded.reward_status == AssistChain.Reward.GIVEN and RewardCode.objects.filter(chain=rewarded).exists()
    assert flagged.flagged_at is not None and flagged.status == AssistChain.Status.ACTIVE
    assert RewardCode.objects.filter(chain__isnull=True).count() == 5
    links = {manager: token for manager, _code, token in demo_links()}
    assert links[managers[0]] == in_progress.token and links[managers[1]] == ""
    assert assist_seed() == 0  # a second run changes nothing
    assert AssistChain.objects.count() == 3
