from campaigns.demo import campaigns_seed, demo_links
from campaigns.models import Campaign, QuotaClaim
from insights.models import Tag
from storefront.forms import BLOCK_FORMS
from tests.campaigns.conftest import campaign_make
from tests.factories import WealthProductFactory, manager_with_page

CampaignBlockForm = BLOCK_FORMS["campaign"]


def test_demo_campaigns_are_seeded_once_with_a_link_per_manager(bank):
    managers = [manager_with_page(name=f"经理{n}") for n in range(2)]
    WealthProductFactory()
    claims = campaigns_seed()
    assert set(Campaign.objects.values_list("goal", flat=True)) >= {"quota", "product"}
    festival = Campaign.objects.get(goal="product")
    assert list(festival.audience_tags.values_list("name", flat=True)) == ["理财意向"]
    links = demo_links()
    assert {staff for staff, _title, _code in links} == set(managers)
    assert QuotaClaim.objects.count() == claims
    assert campaigns_seed() == 0 and len(demo_links()) == len(links)


def test_the_builder_offers_only_campaigns_for_every_visitor(bank):
    tag = Tag.objects.create(name="只给部分人")
    for_all = campaign_make(title="所有人")
    campaign_make(title="定向", audience_tags=[tag])
    campaign_make(title="草稿", status=Campaign.Status.DRAFT)
    form = CampaignBlockForm()
    assert [label for _pk, label in form.fields["campaign"].choices] == ["所有人"]
    bound = CampaignBlockForm({"campaign": str(for_all.pk)})
    assert bound.is_valid() and bound.to_value() == {"campaign": for_all.pk}
