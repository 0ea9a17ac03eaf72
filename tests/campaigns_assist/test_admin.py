"""Head office in /cms/: friend-assist setups with their code pool, and the review list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.assist import services
from campaigns.assist.models import AssistChain, AssistSetup, RewardCode
from campaigns.models import Campaign
from org.models import AuditLog
from tests.campaigns_assist.conftest import campaign_create, chain_with, mobile, person
from tests.factories import StaffFactory

REVIEW = reverse("assist_review:index")
SETUPS = "wagtailsnippets_campaigns_assist_assistsetup"


@pytest.fixture
def hq_client(bank, bank_client):
    bank_client.force_login(StaffFactory(role="hq_admin", name="周敏").user)
    return bank_client


@pytest.fixture
def flagged(link, consent, setup):
    """A chain with three assists from one network within minutes (the default threshold)."""
    AssistSetup.objects.filter(pk=setup.pk).update(helpers_needed=5)
    chain = chain_with(link, consent)
    for _ in range(3):
        services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person(network="farm"))
    chain.refresh_from_db()
    assert chain.flagged_at is not None
    return chain


def test_head_office_sees_flagged_chains_with_starter_masked_and_manager(hq_client, flagged, link, consent, manager):
    unflagged = chain_with(link, consent, assists=1)
    response = hq_client.get(REVIEW)
    content = response.content.decode()
    assert response.status_code == 200
    assert flagged.mobile_masked in content and flagged.mobile not in content
    assert manager.name in content and manager.branch.name in content
    assert list(response.context["page"].object_list) == [flagged]
    assert response.context["page"].object_list[0].busiest_network == 3
    assert unflagged.mobile_masked not in content
    assert REVIEW in hq_client.get("/cms/").content.decode()  # in the admin menu


@pytest.mark.parametrize("role", ["manager", "branch_head"])
def test_only_head_office_reaches_the_review_list(bank, bank_client, flagged, role):
    bank_client.force_login(StaffFactory(role=role).user)
    response = bank_client.get(REVIEW)
    assert response.status_code in (302, 403)
    assert flagged.mobile_masked not in response.content.decode()
    action = bank_client.post(reverse("assist_review:action", args=[flagged.pk, "void"]))
    assert action.status_code in (302, 403)
    flagged.refresh_from_db()
    assert flagged.status == AssistChain.Status.ACTIVE


def test_an_admin_user_who_is_not_head_office_is_refused(bank, bank_client, flagged):
    staff = StaffFactory(role="manager")
    staff.user.is_superuser = True  # admin access for some other reason
    staff.user.save()
    bank_client.force_login(staff.user)
    response = bank_client.get(REVIEW)
    assert response.status_code in (302, 403)  # Wagtail sends refused admin users back to the dashboard
    assert flagged.mobile_masked not in response.content.decode()
    assert REVIEW not in bank_client.get("/cms/").content.decode()  # nor is it in their menu


def test_marking_reviewed_moves_the_chain_to_the_reviewed_tab(hq_client, flagged):
    response = hq_client.post(reverse("assist_review:action", args=[flagged.pk, "reviewed"]), {"show": "flagged"})
    assert response.status_code == 302 and response["Location"] == REVIEW + "?show=flagged"
    assert list(hq_client.get(REVIEW).context["page"].object_list) == []
    assert list(hq_client.get(REVIEW + "?show=reviewed").context["page"].object_list) == [flagged]
    assert AuditLog.objects.filter(action="assist.reviewed", target_id=str(flagged.pk)).exists()


def test_voiding_from_the_review_list_stops_the_chain(hq_client, flagged, consent):
    response = hq_client.post(reverse("assist_review:action", args=[flagged.pk, "void"]))
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == AssistChain.Status.VOID
    assert list(hq_client.get(REVIEW + "?show=void").context["page"].object_list) == [flagged]
    assert AuditLog.objects.filter(action="assist.void", target_id=str(flagged.pk)).exists()
    with pytest.raises(services.AssistRefused):
        services.assist_give(chain=flagged, mobile=mobile(), consent=consent, participant=person())


def test_chains_owed_a_reward_have_their_own_tab(hq_client, link, consent):
    owed = chain_with(link, consent, assists=3)
    assert owed.reward_status == AssistChain.Reward.OWED
    assert list(hq_client.get(REVIEW + "?show=owed").context["page"].object_list) == [owed]


def test_another_banks_head_office_sees_none_of_these_chains(flagged, other_client, in_other_bank):
    with in_other_bank():
        other_hq = StaffFactory(role="hq_admin")
        other_client.force_login(other_hq.user)
    response = other_client.get(REVIEW)
    assert response.status_code == 200
    assert flagged.mobile_masked not in response.content.decode()
    assert other_client.post(reverse("assist_review:action", args=[flagged.pk, "void"])).status_code == 404


def test_head_office_creates_a_setup_and_uploads_codes_never_shown_back(hq_client, bank):
    campaign = campaign_create(title="助力赢好礼")
    campaign_create(title="不是助力", goal=Campaign.Goal.PRODUCT)
    add = hq_client.get(reverse(f"{SETUPS}:add"))
    assert add.status_code == 200
    choices = [label for _value, label in add.context["form"].fields["campaign"].choices]
    assert "助力赢好礼" in choices and "不是助力" not in choices
    data = {
        "campaign": campaign.pk,
        "helpers_needed": 4,
        "chains_per_starter": 1,
        "reward_kind": "code",
        "reward_title": "20元话费",
        "reward_instructions": "",
        "rules_text": "",
        "network_assists_per_hour": 20,
        "device_actions_per_hour": 5,
        "review_network_assists": 3,
        "review_window_minutes": 10,
        "codes_text": "PASTE-1\nPASTE-2",
        "codes_file": SimpleUploadedFile("codes.csv", "兑换码\nFILE-1\nPASTE-1\n".encode("gb18030")),
    }
    response = hq_client.post(reverse(f"{SETUPS}:add"), data)
    assert response.status_code == 302
    setup = AssistSetup.objects.get(campaign=campaign)
    assert setup.helpers_needed == 4
    assert sorted(code.code for code in RewardCode.objects.filter(setup=setup)) == ["FILE-1", "PASTE-1", "PASTE-2"]
    assert AuditLog.objects.get(action="assist.codes_add").detail["added"] == 3
    listing = hq_client.get(reverse(f"{SETUPS}:list")).content.decode()
    edit = hq_client.get(reverse(f"{SETUPS}:edit", args=[setup.pk])).content.decode()
    assert "助力赢好礼" in listing
    for page in (listing, edit):
        assert "PASTE-1" not in page and "FILE-1" not in page


def test_codes_for_an_eligibility_reward_are_refused(hq_client, bank):
    campaign = campaign_create(title="到店领礼品")
    data = {
        "campaign": campaign.pk,
        "helpers_needed": 3,
        "chains_per_starter": 1,
        "reward_kind": "eligible",
        "reward_title": "电饭煲",
        "network_assists_per_hour": 20,
        "device_actions_per_hour": 5,
        "review_network_assists": 3,
        "review_window_minutes": 10,
        "codes_text": "NOPE-1",
    }
    response = hq_client.post(reverse(f"{SETUPS}:add"), data)
    assert response.status_code == 200  # the form again, with the error
    assert not AssistSetup.objects.exists() and not RewardCode.objects.exists()
