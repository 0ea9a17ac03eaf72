"""The page builder: blocks added, edited, moved and removed on a draft; publishing; locks; scope."""

import pytest
from django.core.cache import cache

from cms.models import ComplianceSettings, StorefrontTemplate
from storefront.models import Storefront
from tests.factories import ProductFactory, WealthProductFactory, manager_with_page


@pytest.fixture
def manager(bank):
    cache.clear()
    return manager_with_page(name="陈晓")


@pytest.fixture
def manager_client(bank_client, manager):
    bank_client.force_login(manager.user)
    return bank_client


def _draft_ids(staff):
    storefront = Storefront.objects.get(staff=staff)
    return [block.id for block in storefront.get_latest_revision_as_object().body]


def test_new_staff_get_a_page_from_the_default_template(manager):
    template = StorefrontTemplate.objects.get(is_default=True)
    storefront = Storefront.objects.get(staff=manager)
    assert [b.block_type for b in storefront.body] == [b.block_type for b in template.starter]
    assert storefront.live


def test_add_block_saves_a_draft_and_leaves_the_live_page_alone(manager, manager_client):
    product = ProductFactory(name="安心存")
    before = [(b.block_type, b.id) for b in Storefront.objects.get(staff=manager).body]
    response = manager_client.post(
        "/workspace/page/add/product_shelf/", {"title": "我的推荐", "mode": "chosen", "products": [product.pk]}
    )
    assert response.status_code == 302
    storefront = Storefront.objects.get(staff=manager)
    assert storefront.has_unpublished_changes
    assert [(b.block_type, b.id) for b in storefront.body] == before  # live content untouched
    draft = storefront.get_latest_revision_as_object()
    assert draft.body[-1].block_type == "product_shelf"
    assert [p.pk for p in draft.body[-1].value["products"]] == [product.pk]
    public = manager_client.get(f"/s/{manager.code}")
    assert "我的推荐" not in public.content.decode()


def test_publish_makes_the_draft_live_and_refreshes_the_cached_page(manager, manager_client):
    product = ProductFactory(name="安心贷", category="loan")  # the default template shows no loans
    assert "安心贷" not in manager_client.get(f"/s/{manager.code}").content.decode()  # now cached
    manager_client.post("/workspace/page/add/product_shelf/", {"mode": "chosen", "products": [product.pk]})
    response = manager_client.post("/workspace/page/publish/")
    assert response.status_code == 302
    storefront = Storefront.objects.get(staff=manager)
    assert not storefront.has_unpublished_changes
    assert "安心贷" in manager_client.get(f"/s/{manager.code}").content.decode()


def test_products_keep_the_managers_order(manager, manager_client):
    first, second, third = (ProductFactory(name=name, category="loan") for name in ("甲", "乙", "丙"))
    manager_client.post(
        "/workspace/page/add/product_shelf/", {"mode": "chosen", "products": [third.pk, first.pk, second.pk]}
    )
    manager_client.post("/workspace/page/publish/")
    html = manager_client.get(f"/s/{manager.code}").content.decode()
    assert html.index("丙") < html.index("甲") < html.index("乙")


def test_off_sale_product_is_refused_by_the_server(manager, manager_client):
    off = ProductFactory(name="已下架", status="off_sale")
    response = manager_client.post("/workspace/page/add/product_shelf/", {"mode": "chosen", "products": [off.pk]})
    assert response.status_code == 400
    assert len(_draft_ids(manager)) == len(Storefront.objects.get(staff=manager).body)


def test_validation_error_is_shown_next_to_the_field(manager, manager_client):
    response = manager_client.post("/workspace/page/add/product_shelf/", {"mode": "category", "category": ""})
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('id="field-category"') :]
    assert 'class="error"' in field[: field.index("</div>\n") + 200]


def test_banned_phrase_in_managers_text_is_refused_and_named(manager, manager_client):
    response = manager_client.post("/workspace/page/add/intro/", {"heading": "您好", "text": "本产品保本保息，稳赚"})
    assert response.status_code == 400
    assert "保本" in response.content.decode()


def test_move_and_remove_change_the_draft_order(manager, manager_client):
    ids = _draft_ids(manager)
    manager_client.post(f"/workspace/page/block/{ids[1]}/move/", {"direction": "up"})
    assert _draft_ids(manager)[:2] == [ids[1], ids[0]]
    manager_client.post(f"/workspace/page/block/{ids[0]}/remove/")
    assert ids[0] not in _draft_ids(manager)


def test_locked_template_blocks_cannot_be_moved_or_removed(manager, manager_client):
    template = StorefrontTemplate.objects.get(is_default=True)
    locked_id = template.locked_bottom[0].id
    assert manager_client.post(f"/workspace/page/block/{locked_id}/remove/").status_code == 404
    assert manager_client.post(f"/workspace/page/block/{locked_id}/move/", {"direction": "up"}).status_code == 404
    assert "理财非存款" in manager_client.get(f"/s/{manager.code}").content.decode()


def test_a_manager_cannot_edit_a_colleagues_page(manager, manager_client):
    colleague = manager_with_page(name="同事")
    their_block = _draft_ids(colleague)[0]
    assert manager_client.get(f"/workspace/page/block/{their_block}/edit/").status_code == 404
    assert manager_client.post(f"/workspace/page/block/{their_block}/remove/").status_code == 404
    assert their_block in _draft_ids(colleague)


def test_managers_own_text_goes_to_approval_when_the_bank_requires_it(manager, manager_client):
    manager_client.post("/workspace/page/add/intro/", {"heading": "您好", "text": "欢迎来到我的小店"})
    manager_client.post("/workspace/page/publish/")
    storefront = Storefront.objects.get(staff=manager)
    assert storefront.workflow_in_progress
    assert "欢迎来到我的小店" not in manager_client.get(f"/s/{manager.code}").content.decode()


def test_managers_text_publishes_at_once_when_approval_is_off(manager, manager_client):
    settings = ComplianceSettings.load()
    settings.manager_text_needs_approval = False
    settings.save()
    manager_client.post("/workspace/page/add/intro/", {"heading": "您好", "text": "欢迎来到我的小店"})
    manager_client.post("/workspace/page/publish/")
    assert "欢迎来到我的小店" in manager_client.get(f"/s/{manager.code}").content.decode()


def test_choosing_catalog_items_publishes_without_approval(manager, manager_client):
    product = WealthProductFactory(name="稳健理财")
    manager_client.post("/workspace/page/add/product_shelf/", {"mode": "chosen", "products": [product.pk]})
    manager_client.post("/workspace/page/publish/")
    storefront = Storefront.objects.get(staff=manager)
    assert not storefront.workflow_in_progress
    html = manager_client.get(f"/s/{manager.code}").content.decode()
    assert "稳健理财" in html and "理财非存款、产品有风险、投资须谨慎" in html and "R2" in html


def test_restoring_an_earlier_version_makes_it_the_draft(manager, manager_client):
    first = ProductFactory(name="第一版产品")
    manager_client.post("/workspace/page/add/product_shelf/", {"mode": "chosen", "products": [first.pk]})
    manager_client.post("/workspace/page/publish/")
    storefront = Storefront.objects.get(staff=manager)
    published = storefront.live_revision_id
    manager_client.post(f"/workspace/page/block/{_draft_ids(manager)[-1]}/remove/")
    assert manager_client.post(f"/workspace/page/versions/{published}/restore/").status_code == 302
    draft = Storefront.objects.get(staff=manager).get_latest_revision_as_object()
    assert "第一版产品" in [p.name for b in draft.body if b.block_type == "product_shelf" for p in b.value["products"]]


def test_htmx_add_returns_the_block_list_and_reloads_the_preview(manager, manager_client):
    response = manager_client.post(
        "/workspace/page/add/contact_card/", {"show_wechat": "on"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "previewRefresh"
    assert "<html" not in response.content.decode()
    assert 'id="builder"' in response.content.decode()


def test_builder_page_and_preview_render(manager, manager_client):
    assert manager_client.get("/workspace/page/").status_code == 200
    preview = manager_client.get("/workspace/page/preview/")
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


def test_a_chosen_product_taken_off_sale_vanishes_from_the_published_page(manager, manager_client):
    product = ProductFactory(name="限时贷款", category="loan")
    manager_client.post("/workspace/page/add/product_shelf/", {"mode": "chosen", "products": [product.pk]})
    manager_client.post("/workspace/page/publish/")
    assert "限时贷款" in manager_client.get(f"/s/{manager.code}").content.decode()
    product.status = "off_sale"
    product.save()
    assert "限时贷款" not in manager_client.get(f"/s/{manager.code}").content.decode()
