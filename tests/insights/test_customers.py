"""My customers: scope, referral trees, and the list a manager follows up from."""

import pytest
from django.test import Client

from insights.ingest import hits_drain
from insights.models import Visitor
from tests.factories import BranchFactory, StaffFactory

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47"


def arrive(staff, referral=""):
    """A new customer opens `staff`'s page (through a share link when `referral` is given)."""
    client = Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER)
    share = client.post(f"/s/{staff.code}/t?e=1&r={referral}").json()["share"]
    hits_drain()
    return Visitor.objects.order_by("-id").first(), share.rsplit("r=", 1)[1]


@pytest.fixture
def manager(bank):
    return StaffFactory(name="陈晓")


def test_the_referral_tree_shows_who_brought_whom_with_depth_and_counts(manager, bank_client):
    alice, alice_code = arrive(manager)
    bob, bob_code = arrive(manager, alice_code)
    carol, _ = arrive(manager, bob_code)
    dave, _ = arrive(manager, alice_code)
    bank_client.force_login(manager.user)
    response = bank_client.get(f"/workspace/customers/{alice.pk}/")
    tree = response.context["tree"]
    assert [(row["visitor"], row["depth"]) for row in tree] == [(bob, 1), (carol, 2), (dave, 1)]
    assert {row["visitor"].pk: row["visitor"].referred_count for row in tree} == {bob.pk: 1, carol.pk: 0, dave.pk: 0}
    assert bank_client.get(f"/workspace/customers/{carol.pk}/").context["chain"] == [bob, alice]


def test_the_list_shows_source_visits_and_how_many_they_brought(manager, bank_client):
    alice, alice_code = arrive(manager)
    arrive(manager, alice_code)
    bank_client.force_login(manager.user)
    page = bank_client.get("/workspace/customers/").context["page"]
    by_id = {customer.pk: customer for customer in page}
    assert by_id[alice.pk].referred_count == 1
    assert sorted(customer.source for customer in page) == ["scan", "share"]
    only_shares = bank_client.get("/workspace/customers/?source=share").context["page"]
    assert [customer.source for customer in only_shares] == ["share"]


def test_a_manager_cannot_open_a_colleagues_customer(manager, bank_client):
    colleague = StaffFactory()
    theirs, _ = arrive(colleague)
    bank_client.force_login(manager.user)
    assert bank_client.get(f"/workspace/customers/{theirs.pk}/").status_code == 404
    assert theirs.pk not in [c.pk for c in bank_client.get("/workspace/customers/").context["page"]]


def test_a_branch_head_sees_the_customers_of_their_branch_only(bank, bank_client):
    branch, elsewhere = BranchFactory(), BranchFactory()
    head = StaffFactory(role="branch_head", branch=branch)
    mine, _ = arrive(StaffFactory(branch=branch))
    theirs, _ = arrive(StaffFactory(branch=elsewhere))
    bank_client.force_login(head.user)
    listed = [c.pk for c in bank_client.get("/workspace/customers/").context["page"]]
    assert listed == [mine.pk]
    assert bank_client.get(f"/workspace/customers/{theirs.pk}/").status_code == 404


def test_bots_never_appear_among_customers(manager, bank_client):
    Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT="Googlebot/2.1").post(f"/s/{manager.code}/t?e=1")
    hits_drain()
    bank_client.force_login(manager.user)
    assert bank_client.get("/workspace/customers/").context["page"].paginator.count == 0
