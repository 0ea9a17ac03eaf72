"""The public page `/s/<code>`: what customers see, the tracked way out, and the page cache."""

import re
import time
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from cms.models import Product
from org.services.staff import staff_leave
from tests.factories import (
    ArticleFactory,
    BillPaymentServiceFactory,
    ProductFactory,
    WealthProductFactory,
    manager_with_page,
)


@pytest.fixture
def manager(bank):
    cache.clear()
    return manager_with_page(name="陈晓")


@pytest.fixture
def visitor(bank_client):
    """An anonymous customer's phone (the default page shows deposit and wealth shelves, bills)."""
    return bank_client


def _html(visitor, manager, query: str = "") -> str:
    response = visitor.get(f"/s/{manager.code}{query}")
    assert response.status_code == 200
    return response.content.decode()


def _product_card(html: str, name: str) -> str:
    match = re.search(rf"<article class=\"product\">\s*<header>\s*<h3>{re.escape(name)}</h3>.*?</article>", html, re.S)
    assert match, f"no card for {name}"
    return match.group(0)


def _meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{prop}" content="([^"]*)">', html)
    assert match, prop
    return unescape(match.group(1))


# --- catalog changes reach cached pages at once -------------------------------------------------


def test_renamed_product_shows_its_new_name_on_a_cached_page(manager, visitor):
    product = ProductFactory(name="安心存")
    assert "安心存" in _html(visitor, manager)  # now cached
    product.name = "安心存·尊享"
    product.save()
    html = _html(visitor, manager)
    assert "安心存·尊享" in html


def test_product_published_from_a_revision_shows_on_a_cached_page(manager, visitor):
    """The admin's way: edit, save a revision (page unchanged), publish (page changes)."""
    product = ProductFactory(name="安心存")
    _html(visitor, manager)
    product.name = "安心存·新版"
    revision = product.save_revision()
    assert "安心存·新版" not in _html(visitor, manager)
    revision.publish()
    assert "安心存·新版" in _html(visitor, manager)


@pytest.mark.parametrize(
    "change",
    [
        {"status": "off_sale"},
        {"status": "paused"},
        {"sale_ends_at": timezone.now() - timedelta(minutes=1)},
        {"sale_starts_at": timezone.now() + timedelta(days=1)},
    ],
)
def test_product_taken_off_sale_vanishes_from_a_cached_page(manager, visitor, change):
    product = ProductFactory(name="限时存")
    assert "限时存" in _html(visitor, manager)
    for field, value in change.items():
        setattr(product, field, value)
    product.save()
    assert "限时存" not in _html(visitor, manager)


def test_unpublished_product_vanishes_from_a_cached_page(manager, visitor):
    product = ProductFactory(name="安心存")
    assert "安心存" in _html(visitor, manager)
    product.unpublish()
    assert "安心存" not in _html(visitor, manager)


def test_product_whose_window_closes_vanishes_without_any_save(manager, visitor):
    """Nothing is saved when a window closes by itself: the cached page expires at that moment."""
    ProductFactory(name="限时存", sale_ends_at=timezone.now() + timedelta(seconds=1))
    assert "限时存" in _html(visitor, manager)
    time.sleep(2.1)
    assert "限时存" not in _html(visitor, manager)


def test_bill_payment_and_article_changes_reach_a_cached_page(manager, visitor):
    bill = BillPaymentServiceFactory(name="水费")
    article = ArticleFactory(title="春季理财指南")
    html = _html(visitor, manager)
    assert "水费" in html and "春季理财指南" in html
    bill.name = "自来水费"
    bill.save()
    article.unpublish()
    html = _html(visitor, manager)
    assert "自来水费" in html and "春季理财指南" not in html


# --- compliance -----------------------------------------------------------------------------------


def test_product_always_shows_its_risk_level_and_warning(manager, visitor):
    WealthProductFactory(name="稳健理财", risk_level="R3", risk_warning="理财非存款、产品有风险、投资须谨慎")
    ProductFactory(name="安心存", risk_level="R1", risk_warning="存款受存款保险保障")
    html = _html(visitor, manager)
    wealth = _product_card(html, "稳健理财")
    assert '<span class="risk"' in wealth and ">R3<" in wealth
    with translation.override("zh-hans"):
        assert Product(risk_level="R3").get_risk_level_display() in wealth
    assert "理财非存款、产品有风险、投资须谨慎" in wealth
    deposit = _product_card(html, "安心存")
    assert ">R1<" in deposit and "存款受存款保险保障" in deposit


# --- the tracked way out --------------------------------------------------------------------------


def test_bill_payment_link_goes_through_the_tracked_redirect(manager, visitor):
    bill = BillPaymentServiceFactory(name="电费", payment_url="https://pay.bank.example.com/electricity?from=yd")
    go = f"/s/{manager.code}/go/bill/{bill.pk}"
    html = _html(visitor, manager)
    assert f'href="{go}"' in html
    assert bill.payment_url not in html  # customers leave only through the tracked link
    response = visitor.get(go)
    assert response.status_code == 302
    assert response["Location"] == bill.payment_url


def test_product_link_redirects_to_the_catalog_url(manager, visitor):
    product = ProductFactory(name="安心存", link_url="https://bank.example.com/products/anxin")
    go = f"/s/{manager.code}/go/product/{product.pk}"
    assert f'href="{go}"' in _html(visitor, manager)
    response = visitor.get(go)
    assert response.status_code == 302
    assert response["Location"] == "https://bank.example.com/products/anxin"


@pytest.mark.parametrize("query", ["?next=https://evil.example", "?url=https://evil.example&to=//evil.example"])
def test_outbound_link_is_no_open_redirect(manager, visitor, query):
    product = ProductFactory(link_url="https://bank.example.com/products/1")
    response = visitor.get(f"/s/{manager.code}/go/product/{product.pk}{query}")
    assert response.status_code == 302
    assert response["Location"] == "https://bank.example.com/products/1"


@pytest.mark.parametrize(
    "change", [{"status": "off_sale"}, {"sale_ends_at": timezone.now() - timedelta(minutes=1)}, {"live": False}]
)
def test_off_sale_products_link_is_404(manager, visitor, change):
    product = ProductFactory(**change)
    assert visitor.get(f"/s/{manager.code}/go/product/{product.pk}").status_code == 404


def test_unpublished_bill_link_is_404(manager, visitor):
    bill = BillPaymentServiceFactory(live=False)
    assert visitor.get(f"/s/{manager.code}/go/bill/{bill.pk}").status_code == 404


def test_unknown_kind_item_or_code_is_404(manager, visitor):
    product = ProductFactory()
    article = ArticleFactory()
    assert visitor.get(f"/s/{manager.code}/go/article/{article.pk}").status_code == 404
    assert visitor.get(f"/s/{manager.code}/go/url/{product.pk}").status_code == 404
    assert visitor.get(f"/s/{manager.code}/go/product/{product.pk + 1000}").status_code == 404
    assert visitor.get(f"/s/nosuchcode/go/product/{product.pk}").status_code == 404
    assert visitor.get("/s/nosuchcode").status_code == 404


def test_another_banks_product_or_bill_is_404(manager, visitor, in_other_bank):
    with in_other_bank():
        theirs = ProductFactory(name="他行产品", link_url="https://other.example.com/p")
        their_bill = BillPaymentServiceFactory(payment_url="https://other.example.com/bill")
    assert not Product.objects.filter(pk=theirs.pk).exists()  # ids are per bank: no collision here
    assert visitor.get(f"/s/{manager.code}/go/product/{theirs.pk}").status_code == 404
    assert visitor.get(f"/s/{manager.code}/go/bill/{their_bill.pk}").status_code == 404
    assert "他行产品" not in _html(visitor, manager)


def test_another_banks_staff_code_is_404_here(manager, visitor, other_client):
    assert other_client.get(f"/s/{manager.code}").status_code == 404


def test_draft_article_is_404(manager, visitor):
    draft = ArticleFactory(title="未发布", live=False)
    live = ArticleFactory(title="已发布")
    assert visitor.get(f"/s/{manager.code}/a/{draft.pk}").status_code == 404
    assert "已发布" in visitor.get(f"/s/{manager.code}/a/{live.pk}").content.decode()


# --- people leave -----------------------------------------------------------------------------------


def test_departed_staff_page_names_and_links_the_successor(manager, visitor):
    ProductFactory(name="安心存")
    assert "安心存" in _html(visitor, manager)  # cached before they leave
    successor = manager_with_page(name="李娜")
    staff_leave(staff=manager, successor=successor, actor=None)

    html = _html(visitor, manager)
    with translation.override("zh-hans"):
        assert gettext("%(name)s no longer serves customers here.") % {"name": "陈晓"} in html
        assert gettext("Your account manager is now %(name)s") % {"name": "李娜"} in html
    assert f'href="/s/{successor.code}"' in html
    assert "安心存" not in html  # their blocks are gone
    assert visitor.get(f"/s/{successor.code}").status_code == 200


def test_departed_staff_without_successor_says_so(manager, visitor):
    staff_leave(staff=manager, successor=None, actor=None)
    html = _html(visitor, manager)
    with translation.override("zh-hans"):
        assert gettext("%(name)s no longer serves customers here.") % {"name": "陈晓"} in html


# --- sharing ----------------------------------------------------------------------------------------


def test_open_graph_tags_describe_the_page(manager, visitor):
    html = _html(visitor, manager)
    assert _meta(html, "og:title").startswith("陈晓 · ")
    assert manager.branch.name in _meta(html, "og:description")
    assert _meta(html, "og:url").endswith(f"/s/{manager.code}")


def test_share_token_of_the_first_visitor_is_not_cached_into_the_page(manager, visitor):
    """`?r=` marks whose share brought a visitor; the cached page must not hand it to everyone."""
    _html(visitor, manager, "?r=someones-share-token&x=1")
    html = _html(visitor, manager)
    assert "someones-share-token" not in html
    assert _meta(html, "og:url") == f"http://{visitor.defaults['HTTP_HOST']}/s/{manager.code}"


# --- the cache ----------------------------------------------------------------------------------------


def test_page_sets_no_cookie_and_carries_no_csrf_token(manager, visitor):
    for _attempt in ("miss", "hit"):
        response = visitor.get(f"/s/{manager.code}")
        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_logged_in_staff_get_the_same_anonymous_page(manager, bank_client):
    """Whoever fills the cache, nothing personal is stored in it (one entry serves everyone)."""
    bank_client.force_login(manager.user)
    first = bank_client.get(f"/s/{manager.code}")
    anonymous = Client(**bank_client.defaults).get(f"/s/{manager.code}")
    assert anonymous.content == first.content
    assert not first.cookies and not anonymous.cookies
    assert "sessionid" not in anonymous.content.decode()


def test_second_visit_is_served_without_database_queries(manager, visitor, django_assert_num_queries):
    ProductFactory(name="安心存")
    first = visitor.get(f"/s/{manager.code}")
    with django_assert_num_queries(0):
        second = Client(**visitor.defaults).get(f"/s/{manager.code}")
    assert second.status_code == 200
    assert second.content == first.content


def test_cached_page_serves_a_logged_in_visitor_without_database_queries(
    manager, bank_client, django_assert_num_queries
):
    bank_client.get(f"/s/{manager.code}")
    bank_client.force_login(manager.user)
    with django_assert_num_queries(0):
        assert bank_client.get(f"/s/{manager.code}").status_code == 200


def test_english_and_chinese_pages_are_cached_apart(manager, visitor):
    ProductFactory(name="安心存")
    chinese = visitor.get(f"/s/{manager.code}").content.decode()
    english = visitor.get(f"/s/{manager.code}", headers={"Accept-Language": "en"}).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert '<html lang="en">' in english


def test_code_typed_in_capitals_is_refreshed_on_publish_too(manager, bank_client):
    """Codes are read off posters and typed by hand; any spelling must show the live page."""
    visitor = Client(**bank_client.defaults)
    product = ProductFactory(name="安心存")
    upper = f"/s/{manager.code.upper()}"
    assert "我的推荐" not in visitor.get(upper).content.decode()  # cached
    bank_client.force_login(manager.user)
    bank_client.post(
        "/workspace/page/add/product_shelf/", {"title": "我的推荐", "mode": "chosen", "products": [product.pk]}
    )
    bank_client.post("/workspace/page/publish/")
    assert "我的推荐" in visitor.get(upper).content.decode()
    assert "我的推荐" in _html(visitor, manager)


def test_a_page_served_from_the_cache_keeps_security_and_language_headers(manager, visitor):
    first = visitor.get(f"/s/{manager.code}")
    hit = visitor.get(f"/s/{manager.code}")
    assert hit.content == first.content
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert hit[header] == first[header]
    assert hit["Content-Language"] == "zh-hans"
    assert "Accept-Language" in hit["Vary"]
    english = visitor.get(f"/s/{manager.code}", headers={"Accept-Language": "en"})
    assert english["Content-Language"] == "en"
    assert english.content != hit.content


def test_a_cached_page_is_sent_compressed_to_browsers_that_accept_it(manager, visitor):
    import gzip

    plain = visitor.get(f"/s/{manager.code}").content
    compressed = visitor.get(f"/s/{manager.code}", headers={"Accept-Encoding": "gzip, deflate"})
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain
    assert "Accept-Encoding" in compressed["Vary"]


def test_a_pasted_link_previews_with_the_banks_logo_when_the_manager_has_no_photo(manager, visitor, settings, tmp_path):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = str(tmp_path)
    from cms.models import BrandSettings

    brand = BrandSettings.load()
    brand.logo = get_image_model().objects.create(title="logo", file=get_test_image_file())
    brand.save()
    html = visitor.get(f"/s/{manager.code}").content.decode()
    assert re.search(r'<meta property="og:image" content="http://testbank\.localhost/media/[^"]+\.png">', html)
