"""The customer's pages: starting an assist, helping a friend, the winner's reward, and abuse."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.assist import services
from campaigns.assist.models import Assist, AssistChain, AssistSetup, RewardCode
from campaigns.models import Campaign
from tests.campaigns_assist.conftest import (
    campaign_create,
    chain_with,
    device_client,
    form,
    link_create,
    mobile,
    person,
    setup_create,
)


def start_url(link) -> str:
    return f"/c/{link.code}/assist/"


def chain_url(link, chain) -> str:
    return f"/c/{link.code}/assist/{chain.token}/"


def start_by_view(link, statement, /, client=None, **overrides):
    client = client or device_client()
    response = client.post(start_url(link), form(statement, **overrides))
    return client, response


def test_the_start_page_is_not_cached_and_carries_a_csrf_token(link, manager):
    response = device_client(enforce_csrf_checks=True).get(start_url(link))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    content = response.content.decode()
    assert "csrfmiddlewaretoken" in content and "10元话费" in content and manager.name in content
    assert response["X-Robots-Tag"] == "noindex"


def test_a_post_without_the_csrf_token_is_refused(link, consent):
    response = device_client(enforce_csrf_checks=True).post(start_url(link), form(consent))
    assert response.status_code == 403
    assert not AssistChain.objects.exists()


def test_starting_leads_to_the_chain_page_with_the_share_link(link, consent, manager):
    client, response = start_by_view(link, consent, mobile="13912345678")
    chain = AssistChain.objects.get()
    assert response.status_code == 302 and response["Location"] == chain_url(link, chain)
    assert chain.staff == manager
    page = client.get(chain_url(link, chain))
    content = page.content.decode()
    assert page.status_code == 200
    assert f"http://testbank.localhost{chain_url(link, chain)}" in content
    assert "139****5678" in content and "13912345678" not in content
    assert 'name="mobile"' not in content  # the starter is not offered to help themself
    again = client.get(start_url(link)).content.decode()
    assert chain_url(link, chain) in again  # the device's own chains are listed


def test_bad_input_is_answered_with_400_and_nothing_is_stored(link, consent):
    _client, bad_mobile = start_by_view(link, consent, mobile="12345")
    _client, no_consent = start_by_view(link, consent, consent="")
    assert bad_mobile.status_code == no_consent.status_code == 400
    assert not AssistChain.objects.exists()


def test_robots_filling_the_honeypot_store_nothing(link, consent):
    _client, response = start_by_view(link, consent, website="http://spam.example.com")
    assert response.status_code == 302
    chain = chain_with(link, consent)
    response = device_client("10.0.0.9").post(chain_url(link, chain), form(consent, website="x"))
    assert response.status_code == 302
    assert AssistChain.objects.count() == 1 and not Assist.objects.exists()


def test_a_friend_helps_through_the_share_link(link, consent):
    chain = chain_with(link, consent)
    friend = device_client("10.0.0.2")
    assert 'name="mobile"' in friend.get(chain_url(link, chain)).content.decode()
    response = friend.post(chain_url(link, chain), form(consent, mobile="13800001111"))
    assert response.status_code == 302 and response["Location"] == chain_url(link, chain) + "?helped=1"
    page = friend.get(response["Location"]).content.decode()
    assert _("Thank you! Your help has been counted.") in page
    assert "138****1111" in page and "13800001111" not in page
    chain.refresh_from_db()
    assert chain.assist_count == 1
    # The same phone (this device) cannot help twice.
    again = friend.post(chain_url(link, chain), form(consent))
    assert again.status_code == 409
    assert _("You have already helped in this campaign. Each friend can help once.") in again.content.decode()


def test_the_starter_cannot_help_their_own_chain_from_another_device_with_their_number(link, consent):
    _client, _response = start_by_view(link, consent, mobile="13912345678")
    chain = AssistChain.objects.get()
    response = device_client("10.0.0.3").post(chain_url(link, chain), form(consent, mobile="13912345678"))
    assert response.status_code == 403
    assert _("You cannot help your own assist. Share it with your friends!") in response.content.decode()
    assert not Assist.objects.exists()


def test_the_reward_code_is_shown_to_its_winner_only(link, consent, setup):
    services.reward_codes_add(setup=setup, codes=["WIN-4242"], actor=None)
    starter, _response = start_by_view(link, consent)
    chain = AssistChain.objects.get()
    for n in range(3):
        assert device_client(f"10.1.0.{n}").post(chain_url(link, chain), form(consent)).status_code == 302
    assert "WIN-4242" in starter.get(chain_url(link, chain)).content.decode()
    assert "WIN-4242" not in device_client("10.2.0.1").get(chain_url(link, chain)).content.decode()
    assert "WIN-4242" not in starter.get(start_url(link)).content.decode()


def test_an_owed_reward_tells_the_winner_it_is_coming(link, consent):
    starter, _response = start_by_view(link, consent)
    chain = AssistChain.objects.get()
    for _n in range(3):
        services.assist_give(chain=chain, mobile=mobile(), consent=consent, participant=person())
    page = starter.get(chain_url(link, chain)).content.decode()
    assert (
        _("Your reward is being prepared. It will appear on this page as soon as it is ready; nothing is lost.") in page
    )


def test_public_forms_are_rate_limited_per_network(link, consent, settings):
    settings.LEAD_SUBMITS_PER_NETWORK_HOUR = 2
    chain = chain_with(link, consent)
    statuses = [device_client("10.9.9.9").post(chain_url(link, chain), form(consent)).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Assist.objects.count() == 2


def test_the_network_velocity_rule_answers_429_with_a_clear_message(link, consent, setup):
    AssistSetup.objects.filter(pk=setup.pk).update(network_assists_per_hour=1, review_network_assists=10)
    first, second = chain_with(link, consent), chain_with(link, consent)
    assert device_client("10.5.5.5").post(chain_url(link, first), form(consent)).status_code == 302
    response = device_client("10.5.5.5").post(chain_url(link, second), form(consent))
    assert response.status_code == 429
    assert _("Too many assists from your network in a short time. Please try again later.") in response.content.decode()


def test_outside_the_window_the_page_explains_and_posts_are_refused(bank, manager, consent):
    now = timezone.now()
    campaign = campaign_create(starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=5))
    setup_create(campaign)
    link = link_create(campaign, manager)
    client = device_client()
    page = client.get(start_url(link))
    assert page.status_code == 200 and 'name="mobile"' not in page.content.decode()
    response = client.post(start_url(link), form(consent))
    assert response.status_code == 409
    assert not AssistChain.objects.exists()


def test_unknown_draft_and_foreign_links_and_chains_are_not_found(link, consent, manager, bank):
    chain = chain_with(link, consent)
    client = device_client()
    assert client.get("/c/nosuchcode/assist/").status_code == 404
    assert client.get(f"/c/{link.code}/assist/nosuchtoken/").status_code == 404
    draft = campaign_create(status=Campaign.Status.DRAFT)
    setup_create(draft)
    assert client.get(start_url(link_create(draft, manager))).status_code == 404
    no_setup = link_create(campaign_create(title="没有设置"), manager)
    assert client.get(start_url(no_setup)).status_code == 404
    other = campaign_create(title="别的活动")
    setup_create(other)
    other_link = link_create(other, manager)
    assert client.get(chain_url(other_link, chain)).status_code == 404  # a chain lives under its campaign


def test_another_bank_cannot_reach_this_banks_links_or_chains(link, consent, other_client):
    chain = chain_with(link, consent)
    assert other_client.get(start_url(link)).status_code == 404
    assert other_client.get(chain_url(link, chain)).status_code == 404


def test_pool_codes_never_appear_on_public_pages(link, consent, setup):
    services.reward_codes_add(setup=setup, codes=["HIDDEN-1"], actor=None)
    chain = chain_with(link, consent)
    for url in (start_url(link), chain_url(link, chain)):
        assert "HIDDEN-1" not in device_client().get(url).content.decode()
    assert RewardCode.objects.filter(chain__isnull=True).count() == 1
