"""Customer tags: given by hand within the manager's scope, and by rules as events arrive."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insights.ingest import hits_drain
from insights.models import Event, Tag, TagRule, Visitor, VisitorTag
from insights.services import event_record
from insights.tags import tag_create, tag_rule_create, tag_rules_apply, visitor_tag_add
from tests.factories import ProductFactory, StaffFactory

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47"
WEALTH_INTENT = "理财意向"


@pytest.fixture
def manager(bank):
    cache.clear()
    return StaffFactory(name="陈晓")


def phone():
    return Client(HTTP_HOST="testbank.localhost", HTTP_USER_AGENT=BROWSER)


def arrive(staff, client=None):
    """A new customer opens `staff`'s page; returns (visitor, their phone's client)."""
    client = client or phone()
    client.post(f"/s/{staff.code}/t?e=1")
    hits_drain()
    return Visitor.objects.order_by("-id").first(), client


def tags_of(visitor) -> dict[str, str]:
    return dict(VisitorTag.objects.filter(visitor=visitor).values_list("tag__name", "source"))


def own_tag(staff, name="高净值", kind=Tag.Kind.MANUAL):
    return tag_create(name=name, colour="blue", kind=kind, owner=staff, created_by=staff)


# Given by hand


def test_a_manager_tags_and_untags_their_customer_with_htmx(manager, bank_client):
    customer, _ = arrive(manager)
    tag = own_tag(manager)
    bank_client.force_login(manager.user)
    added = bank_client.post(
        f"/workspace/customers/{customer.pk}/tags/", {"tag": tag.pk}, headers={"HX-Request": "true"}
    )
    assert added.status_code == 200 and "高净值" in added.content.decode()
    assert "<html" not in added.content.decode()  # the tags section only
    assert tags_of(customer) == {"高净值": "manual"}
    assert VisitorTag.objects.get(visitor=customer).added_by == manager
    removed = bank_client.post(f"/workspace/customers/{customer.pk}/tags/{tag.pk}/remove/")
    assert removed.status_code == 302
    assert tags_of(customer) == {}


def test_the_profile_shows_the_tags_the_viewer_may_see(manager, bank_client):
    customer, _ = arrive(manager)
    visitor_tag_add(visitor=customer, tag=own_tag(manager), actor=manager)
    bank_client.force_login(manager.user)
    page = bank_client.get(f"/workspace/customers/{customer.pk}/")
    assert [t.tag.name for t in page.context["tags"]] == ["高净值"]
    assert WEALTH_INTENT in [t.name for t in page.context["tags_addable"]]


def test_tagging_needs_the_csrf_token(manager):
    customer, _ = arrive(manager)
    tag = own_tag(manager)
    client = Client(HTTP_HOST="testbank.localhost", enforce_csrf_checks=True)
    client.force_login(manager.user)
    assert client.post(f"/workspace/customers/{customer.pk}/tags/", {"tag": tag.pk}).status_code == 403
    assert not VisitorTag.objects.exists()


def test_a_colleagues_customer_cannot_be_tagged(manager, bank_client):
    theirs, _ = arrive(StaffFactory())
    tag = own_tag(manager)
    bank_client.force_login(manager.user)
    assert bank_client.post(f"/workspace/customers/{theirs.pk}/tags/", {"tag": tag.pk}).status_code == 404
    assert bank_client.post(f"/workspace/customers/{theirs.pk}/tags/{tag.pk}/remove/").status_code == 404
    assert not VisitorTag.objects.exists()


def test_someone_elses_private_tag_is_refused(manager, bank_client):
    customer, _ = arrive(manager)
    colleague = StaffFactory()
    private = own_tag(colleague, name="同事的标签")
    bank_client.force_login(manager.user)
    assert bank_client.post(f"/workspace/customers/{customer.pk}/tags/", {"tag": private.pk}).status_code == 404
    assert not VisitorTag.objects.exists()
    page = bank_client.get(f"/workspace/customers/{customer.pk}/")
    assert "同事的标签" not in [t.name for t in page.context["tags_addable"]]


def test_a_head_office_tag_can_be_given_by_any_manager(manager, bank_client):
    customer, _ = arrive(manager)
    bank_wide = tag_create(name="重点客户", colour="red", kind=Tag.Kind.MANUAL, owner=None, created_by=None)
    bank_client.force_login(manager.user)
    bank_client.post(f"/workspace/customers/{customer.pk}/tags/", {"tag": bank_wide.pk})
    assert tags_of(customer) == {"重点客户": "manual"}


# Given by rules


def test_three_wealth_product_clicks_give_the_default_tag(manager):
    wealth, deposit = ProductFactory(category="wealth"), ProductFactory(category="deposit")
    customer, client = arrive(manager)
    for _ in range(2):
        assert client.get(f"/s/{manager.code}/go/product/{wealth.pk}").status_code == 302
    client.get(f"/s/{manager.code}/go/product/{deposit.pk}")
    assert tags_of(customer) == {}  # two wealth clicks, one deposit click: not yet
    client.get(f"/s/{manager.code}/go/product/{wealth.pk}")
    assert tags_of(customer) == {WEALTH_INTENT: "rule"}


def test_page_views_arriving_through_ingest_give_a_rule_tag(manager):
    tag = own_tag(manager, name="常客", kind=Tag.Kind.RULE)
    tag_rule_create(tag=tag, kind="page_view", threshold=3, window_days=7, owner=manager, created_by=manager)
    customer, client = arrive(manager)
    client.post(f"/s/{manager.code}/t")
    hits_drain()
    assert tags_of(customer) == {}
    client.post(f"/s/{manager.code}/t")
    hits_drain()
    assert tags_of(customer) == {"常客": "rule"}


def test_a_rule_tag_goes_away_when_its_window_has_passed(manager):
    wealth = ProductFactory(category="wealth")
    customer, client = arrive(manager)
    for _ in range(3):
        client.get(f"/s/{manager.code}/go/product/{wealth.pk}")
    assert tags_of(customer) == {WEALTH_INTENT: "rule"}
    Event.objects.filter(kind="product_click").update(occurred_at=timezone.now() - timedelta(days=31))
    tag_rules_apply(visitor_ids=[customer.pk])
    assert tags_of(customer) == {}


def test_rules_never_touch_a_tag_given_by_hand(manager):
    customer, _ = arrive(manager)
    wealth_intent = Tag.objects.get(name=WEALTH_INTENT, owner=None)
    visitor_tag_add(visitor=customer, tag=wealth_intent, actor=manager)  # no clicks at all
    tag_rules_apply(visitor_ids=[customer.pk])
    call_command("insights_tags_recompute")
    assert tags_of(customer) == {WEALTH_INTENT: "manual"}


def test_bots_events_do_not_count(manager):
    customer, _ = arrive(manager)
    for _ in range(3):
        event_record(kind="product_click", visitor=customer, data={"category": "wealth"}, is_bot=True)
    tag_rules_apply(visitor_ids=[customer.pk])
    assert tags_of(customer) == {}


def test_a_managers_rule_only_tags_their_own_customers(manager):
    colleague = StaffFactory()
    tag = own_tag(manager, name="爱留言", kind=Tag.Kind.RULE)
    tag_rule_create(tag=tag, kind="message", threshold=1, window_days=30, owner=manager, created_by=manager)
    mine, _ = arrive(manager)
    theirs, _ = arrive(colleague)
    event_record(kind="message", visitor=mine)
    event_record(kind="message", visitor=theirs)
    assert tags_of(mine) == {"爱留言": "rule"}
    assert tags_of(theirs) == {}


def test_a_failing_rule_evaluation_never_breaks_event_record(manager, monkeypatch):
    customer, _ = arrive(manager)

    def broken(**kwargs):
        raise RuntimeError("rules broken")

    monkeypatch.setattr("insights.services.tag_rules_apply", broken)
    assert event_record(kind="lead", visitor=customer) is not None
    assert Event.objects.filter(kind="lead").count() == 1


def test_the_recompute_command_is_idempotent(manager):
    wealth = ProductFactory(category="wealth")
    customer, client = arrive(manager)
    other, _ = arrive(manager)
    for _ in range(3):
        client.get(f"/s/{manager.code}/go/product/{wealth.pk}")
    VisitorTag.objects.all().delete()
    call_command("insights_tags_recompute")
    first = set(VisitorTag.objects.values_list("visitor_id", "tag__name", "source"))
    call_command("insights_tags_recompute")
    assert set(VisitorTag.objects.values_list("visitor_id", "tag__name", "source")) == first
    assert first == {(customer.pk, WEALTH_INTENT, "rule")}
    assert tags_of(other) == {}


# The workspace


def test_the_customer_list_filters_by_tag_and_shows_tags(manager, bank_client):
    tagged, _ = arrive(manager)
    untagged, _ = arrive(manager)
    tag = own_tag(manager)
    visitor_tag_add(visitor=tagged, tag=tag, actor=manager)
    bank_client.force_login(manager.user)
    everyone = bank_client.get("/workspace/customers/").context["page"]
    assert {c.pk for c in everyone} == {tagged.pk, untagged.pk}
    assert {c.pk: [t.tag.name for t in c.tags_shown] for c in everyone} == {tagged.pk: ["高净值"], untagged.pk: []}
    filtered = bank_client.get(f"/workspace/customers/?tag={tag.pk}", headers={"HX-Request": "true"})
    assert [c.pk for c in filtered.context["page"]] == [tagged.pk]
    assert "高净值" in filtered.content.decode()


def test_the_list_cannot_filter_by_a_colleagues_private_tag(manager, bank_client):
    arrive(manager)
    private = own_tag(StaffFactory(), name="同事的标签")
    bank_client.force_login(manager.user)
    response = bank_client.get(f"/workspace/customers/?tag={private.pk}")
    assert response.status_code == 200 and response.context["page"].paginator.count == 1  # filter ignored


def test_a_manager_defines_a_tag_and_a_rule_on_my_tags(manager, bank_client):
    customer, _ = arrive(manager)
    event_record(kind="appointment", visitor=customer)
    bank_client.force_login(manager.user)
    assert bank_client.get("/workspace/customers/tags/").status_code == 200
    created = bank_client.post(
        "/workspace/customers/tags/", {"action": "tag", "name": "约过网点", "colour": "green", "kind": "rule"}
    )
    assert created.status_code == 302
    tag = Tag.objects.get(name="约过网点")
    assert tag.owner == manager
    rule = {"action": "rule", "tag": tag.pk, "kind": "appointment", "threshold": 1, "window_days": 90}
    assert bank_client.post("/workspace/customers/tags/", rule).status_code == 302
    assert TagRule.objects.get(tag=tag).owner == manager
    assert tags_of(customer) == {"约过网点": "rule"}  # applied to the manager's customers at once
    duplicate = bank_client.post(
        "/workspace/customers/tags/", {"action": "tag", "name": "约过网点", "colour": "red", "kind": "manual"}
    )
    assert duplicate.status_code == 400
    assert duplicate.context["tag_form"].errors["name"]
    # A bank-wide tag's name is free for a manager's own tag.
    same_as_bank = {"action": "tag", "name": WEALTH_INTENT, "colour": "red", "kind": "manual"}
    assert bank_client.post("/workspace/customers/tags/", same_as_bank).status_code == 302
    assert Tag.objects.filter(name=WEALTH_INTENT).count() == 2


def test_a_manager_cannot_write_a_rule_for_a_bank_wide_tag(manager, bank_client):
    bank_client.force_login(manager.user)
    bank_wide = Tag.objects.get(name=WEALTH_INTENT)
    rule = {"action": "rule", "tag": bank_wide.pk, "kind": "page_view", "threshold": 1, "window_days": 1}
    assert bank_client.post("/workspace/customers/tags/", rule).status_code == 400
    assert TagRule.objects.filter(owner=manager).count() == 0


def test_a_manager_cannot_delete_a_colleagues_rule(manager, bank_client):
    colleague = StaffFactory()
    tag = own_tag(colleague, kind=Tag.Kind.RULE)
    rule = tag_rule_create(tag=tag, kind="share", threshold=1, window_days=7, owner=colleague, created_by=colleague)
    bank_client.force_login(manager.user)
    assert bank_client.post(f"/workspace/customers/tags/rules/{rule.pk}/delete/").status_code == 404
    assert bank_client.post(f"/workspace/customers/tags/{tag.pk}/delete/").status_code == 404
    assert TagRule.objects.filter(pk=rule.pk).exists()


# Head office in /cms/


def test_head_office_manages_bank_wide_tags_and_rules_in_cms(bank, bank_client):
    hq = StaffFactory(role="hq_admin")
    own_tag(StaffFactory(), name="经理私有")
    bank_client.force_login(hq.user)
    listing = bank_client.get(reverse("wagtailsnippets_insights_tag:list"))
    assert listing.status_code == 200
    assert WEALTH_INTENT in listing.content.decode() and "经理私有" not in listing.content.decode()
    add = bank_client.post(
        reverse("wagtailsnippets_insights_tag:add"), {"name": "养老规划", "colour": "green", "kind": "rule"}
    )
    assert add.status_code == 302
    tag = Tag.objects.get(name="养老规划")
    assert (tag.owner, tag.created_by) == (None, hq)
    rule_form = bank_client.get(reverse("wagtailsnippets_insights_tagrule:add"))
    assert rule_form.status_code == 200 and "经理私有" not in rule_form.content.decode()
    data = {"tag": tag.pk, "kind": "product_click", "category": "pension", "object_id": "", "threshold": 2}
    data |= {"window_days": 60, "is_active": "on"}
    assert bank_client.post(reverse("wagtailsnippets_insights_tagrule:add"), data).status_code == 302
    assert TagRule.objects.get(tag=tag).owner is None


def test_a_manager_cannot_reach_tags_in_cms(manager, bank_client):
    bank_client.force_login(manager.user)
    assert bank_client.get(reverse("wagtailsnippets_insights_tag:list")).status_code in (302, 403)


def test_the_demo_seed_leaves_some_customers_with_the_wealth_tag(manager):
    from insights.demo import customers_seed

    ProductFactory(category="wealth")
    StaffFactory()
    assert customers_seed(seed=3) > 0
    tagged = VisitorTag.objects.filter(tag__name=WEALTH_INTENT, source="rule")
    assert tagged.exists()
    assert tagged.count() < Visitor.objects.count()
