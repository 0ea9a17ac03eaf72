"""Head office runs the catalog in the Wagtail admin (/cms/); nobody else gets in."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Collection, Revision

from cms.models import BrandSettings, Product
from tests.factories import ProductFactory, StaffFactory

PRODUCTS = "wagtailsnippets_cms_product"
BRAND_SETTINGS_URL = reverse("wagtailsettings:edit", args=["cms", "brandsettings"])


@pytest.fixture
def hq_client(bank, bank_client):
    bank_client.force_login(StaffFactory(role="hq_admin").user)
    return bank_client


def _product_form(**overrides) -> dict:
    data = {
        "category": "wealth",
        "status": "on_sale",
        "name": "稳享理财30天",
        "selling_points": "起购金额低\n按月开放",
        "rate_display": "2.80%",
        "rate_basis": "业绩比较基准",
        "term": "30天",
        "minimum_amount": "1元",
        "risk_level": "R2",
        "risk_warning": "理财非存款、产品有风险、投资须谨慎",
        "suitable_for": "稳健型投资者",
        "link_url": "https://bank.example.com/wealth/30",
        "sale_starts_at": "",
        "sale_ends_at": "",
    }
    return {**data, **overrides}


def _form_from(product: Product, **overrides) -> dict:
    data = _product_form(**{field: getattr(product, field) for field in _product_form() if "sale_" not in field})
    return {**data, **overrides}


def test_hq_admin_opens_the_dashboard_listing_and_add_form(hq_client):
    ProductFactory(name="安心存")
    dashboard = hq_client.get("/cms/")
    assert dashboard.status_code == 200
    listing = hq_client.get(reverse(f"{PRODUCTS}:list"))
    assert listing.status_code == 200
    assert "安心存" in listing.content.decode()
    add = hq_client.get(reverse(f"{PRODUCTS}:add"))
    assert add.status_code == 200
    assert 'name="risk_warning"' in add.content.decode()


def test_hq_admin_publishes_a_new_product(hq_client):
    response = hq_client.post(reverse(f"{PRODUCTS}:add"), {**_product_form(), "action-publish": "action-publish"})
    assert response.status_code == 302
    product = Product.objects.get(name="稳享理财30天")
    assert product.live and product.is_on_sale
    assert product.live_revision is not None
    assert product.selling_point_list == ["起购金额低", "按月开放"]


def test_saving_a_new_product_as_draft_keeps_it_off_the_shelves(hq_client):
    response = hq_client.post(reverse(f"{PRODUCTS}:add"), _product_form())
    assert response.status_code == 302
    product = Product.objects.get(name="稳享理财30天")
    assert not product.live
    assert not Product.objects.on_sale().filter(pk=product.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"name": "保本理财"}, "name", "保本"),
        ({"selling_points": "稳赚不亏"}, "selling_points", "稳赚"),
        ({"risk_warning": ""}, "risk_warning", "理财非存款"),
        ({"risk_level": ""}, "risk_level", None),
    ],
)
@pytest.mark.parametrize("publish", [True, False])
def test_invalid_product_is_refused_with_a_form_error_and_not_saved(hq_client, overrides, field, expected, publish):
    data = _product_form(**overrides)
    if publish:
        data["action-publish"] = "action-publish"
    response = hq_client.post(reverse(f"{PRODUCTS}:add"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    message = errors[field][0]
    assert expected is None or expected in message
    assert escape(message) in response.content.decode()
    assert not Product.objects.exists()
    assert not Revision.objects.filter(base_content_type__model="product").exists()


def _draftail(text: str) -> str:
    block = {"key": "a1b2c", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


@pytest.mark.parametrize(
    ("snippet", "data", "field", "phrase"),
    [
        ("article", {"title": "稳赚秘诀", "kind": "tip", "published_on": "2025-03-01"}, "title", "稳赚"),
        ("article", {"title": "理财小贴士", "kind": "tip", "published_on": "2025-03-01"}, "body", "无风险"),
        ("billpaymentservice", {"name": "保本缴费", "category": "water"}, "name", "保本"),
    ],
)
def test_banned_phrase_in_article_or_bill_is_a_form_error(hq_client, snippet, data, field, phrase):
    from django.apps import apps

    model = apps.get_model("cms", snippet)
    if snippet == "article":
        data = {**data, "summary": "", "body": _draftail("这款产品无风险" if field == "body" else "投资须谨慎")}
    else:
        data = {**data, "payment_url": "https://pay.bank.example.com/water", "sort_order": "0"}
    response = hq_client.post(reverse(f"wagtailsnippets_cms_{snippet}:add"), {**data, "action-publish": "1"})
    assert response.status_code == 200
    assert phrase in str(response.context["form"].errors[field])
    assert not model.objects.exists()


def test_hq_admin_publishes_an_article(hq_client):
    from cms.models import Article

    data = {
        "title": "春季理财指南",
        "kind": "tip",
        "published_on": "2025-03-01",
        "summary": "",
        "body": _draftail("投资须谨慎"),
    }
    response = hq_client.post(reverse("wagtailsnippets_cms_article:add"), {**data, "action-publish": "1"})
    assert response.status_code == 302
    article = Article.objects.get(title="春季理财指南")
    assert article.live and "投资须谨慎" in article.body


def test_editing_a_live_product_as_draft_leaves_the_live_row_alone_until_published(hq_client):
    product = ProductFactory(name="安心存", category="deposit")
    edit_url = reverse(f"{PRODUCTS}:edit", args=[product.pk])

    response = hq_client.post(edit_url, _form_from(product, name="安心存·升级版"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "安心存"
    assert product.has_unpublished_changes
    assert product.get_latest_revision_as_object().name == "安心存·升级版"

    response = hq_client.post(edit_url, _form_from(product, name="安心存·升级版", **{"action-publish": "1"}))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "安心存·升级版"
    assert not product.has_unpublished_changes
    assert product.live_revision == product.latest_revision
    assert Revision.objects.for_instance(product).count() == 2


def test_edit_with_a_banned_phrase_is_refused_and_the_live_row_kept(hq_client):
    product = ProductFactory(name="安心存", category="deposit")
    response = hq_client.post(
        reverse(f"{PRODUCTS}:edit", args=[product.pk]),
        _form_from(product, name="无风险安心存", **{"action-publish": "1"}),
    )
    assert response.status_code == 200
    assert "无风险" in str(response.context["form"].errors["name"])
    product.refresh_from_db()
    assert product.name == "安心存"
    assert not Revision.objects.for_instance(product).exists()


def test_hq_admin_edits_brand_settings(hq_client):
    settings = BrandSettings.load()
    response = hq_client.get(BRAND_SETTINGS_URL, follow=True)
    assert response.status_code == 200
    url = response.redirect_chain[-1][0] if response.redirect_chain else BRAND_SETTINGS_URL
    response = hq_client.post(
        url,
        {
            "primary_colour": "#123456",
            "accent_colour": "#abcdef",
            "slogan": "家门口的银行",
            "hotline": "96268",
            "footer_disclosures": "",
        },
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert (settings.primary_colour, settings.slogan, settings.hotline) == ("#123456", "家门口的银行", "96268")


def test_bad_brand_colour_is_a_form_error(hq_client):
    url = reverse("wagtailsettings:edit", args=["cms", "brandsettings", BrandSettings.load().pk])
    response = hq_client.post(url, {"primary_colour": "red", "accent_colour": "#abcdef"})
    assert response.status_code == 200
    assert "primary_colour" in response.context["form"].errors
    assert BrandSettings.load().primary_colour == "#C8102E"


def test_hq_admin_edits_compliance_settings(hq_client):
    from cms.compliance import banned_phrases
    from cms.models import ComplianceSettings

    url = reverse("wagtailsettings:edit", args=["cms", "compliancesettings", ComplianceSettings.load().pk])
    response = hq_client.post(url, {"banned_phrases": "包赚\n秒杀"})  # checkbox left off: approval off
    assert response.status_code == 302
    assert banned_phrases() == ["包赚", "秒杀"]
    assert not ComplianceSettings.load().manager_text_needs_approval


def test_head_office_can_publish_every_catalog_snippet_and_upload_images(bank):
    user = StaffFactory(role="hq_admin").user
    for codename in ("publish_product", "publish_billpaymentservice", "publish_article", "change_brandsettings"):
        assert user.has_perm(f"cms.{codename}"), codename
    assert user.has_perm("storefront.publish_storefront")

    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    documents = policy_registry.get_by_type(get_document_model())
    images = policy_registry.get_by_type(get_image_model())

    root = Collection.get_first_root_node()
    for policy in (images, documents):
        assert policy.user_has_permission(user, "add")
        assert policy.user_has_permission(user, "choose")
        assert root in policy.collections_user_has_permission_for(user, "add")


def test_hq_admin_uploads_an_image(hq_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    upload = get_test_image_file()
    response = hq_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "行徽",
            "file": SimpleUploadedFile("logo.png", upload.file.getvalue(), content_type="image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="行徽").exists()


@pytest.mark.parametrize("role", ["manager", "branch_head"])
def test_managers_and_branch_heads_get_no_admin(bank, bank_client, role):
    ProductFactory(name="安心存")
    bank_client.force_login(StaffFactory(role=role).user)
    for url in ("/cms/", reverse(f"{PRODUCTS}:list"), reverse(f"{PRODUCTS}:add"), BRAND_SETTINGS_URL):
        response = bank_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/cms/login/"), url
    followed = bank_client.get(reverse(f"{PRODUCTS}:list"), follow=True)
    html = followed.content.decode()
    assert "安心存" not in html
    assert reverse(f"{PRODUCTS}:add") not in html
    assert 'name="password"' in html  # the admin's login form, nothing else


@pytest.mark.parametrize("role", ["manager", "branch_head"])
def test_managers_and_branch_heads_cannot_post_to_the_admin(bank, bank_client, role):
    bank_client.force_login(StaffFactory(role=role).user)
    response = bank_client.post(reverse(f"{PRODUCTS}:add"), {**_product_form(), "action-publish": "1"})
    assert response.status_code == 302
    assert not Product.objects.exists()


def test_anonymous_visitor_is_sent_to_the_admin_login(bank, bank_client):
    response = bank_client.get(reverse(f"{PRODUCTS}:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/cms/login/")
