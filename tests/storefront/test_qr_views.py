"""`/s/<code>/qr.png`, `/s/<code>/qr.svg`, `/s/<code>/poster.png` and the workspace share page: what a
scanner reads back, options, caching (server and HTTP), other banks' codes, departed staff."""

import io
from xml.etree import ElementTree

import pytest
import zxingcpp
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from wagtail.images import get_image_model

from cms.models import BrandSettings, PosterSettings
from org.services.staff import staff_leave
from tests.cms.test_qr import logo_picture, svg_raster
from tests.factories import StaffFactory, manager_with_page


@pytest.fixture
def manager(bank):
    cache.clear()
    return manager_with_page(name="王喆犇", title="高级客户经理", licence_no="ZG-2023-00123")


@pytest.fixture
def host(bank_client):
    return bank_client.defaults["HTTP_HOST"]


@pytest.fixture
def brand_logo(bank):
    """The bank's logo uploaded in /cms/ (a Wagtail image) and set on the brand."""
    data = io.BytesIO()
    logo_picture(400).save(data, "PNG")
    image = get_image_model().objects.create(title="行徽", file=ImageFile(io.BytesIO(data.getvalue()), name="logo.png"))
    brand = BrandSettings.load()
    brand.logo = image
    brand.save()
    return image


def decoded(response) -> list:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))]


def decoded_one(response):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert len(results) == 1, results
    return results[0]


# --- QR codes ---------------------------------------------------------------------------------------


def test_qr_png_encodes_the_staff_members_absolute_link(manager, bank_client, host):
    response = bank_client.get(f"/s/{manager.code}/qr.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    result = decoded_one(response)
    assert result.text == f"http://{host}/s/{manager.code}"
    assert result.ec_level == "M"
    assert Image.open(io.BytesIO(response.content)).size == (600, 600)


def test_qr_link_follows_the_scheme_and_is_canonical_whatever_the_case_typed(manager, bank_client, host):
    response = bank_client.get(f"/s/{manager.code.upper()}/qr.png", secure=True)
    assert response.status_code == 200
    assert decoded(response) == [f"https://{host}/s/{manager.code}"]


def test_qr_size_and_level_options(manager, bank_client, host):
    response = bank_client.get(f"/s/{manager.code}/qr.png", {"size": "1000", "level": "Q"})
    assert Image.open(io.BytesIO(response.content)).size == (1000, 1000)
    result = decoded_one(response)
    assert result.text == f"http://{host}/s/{manager.code}"
    assert result.ec_level == "Q"


def test_qr_with_the_banks_logo_is_level_h_and_decodes(manager, bank_client, host, brand_logo):
    response = bank_client.get(f"/s/{manager.code}/qr.png", {"logo": "1", "level": "L"})
    assert response.status_code == 200
    result = decoded_one(response)
    assert result.text == f"http://{host}/s/{manager.code}"
    assert result.ec_level == "H"
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    red, green, blue = image.getpixel((300, 300 - 12))  # the logo's red disc, just above its gold bar
    assert red > 150 and green < 80 and blue < 100


def test_qr_with_logo_asked_for_but_no_logo_set_is_a_plain_level_h_code(manager, bank_client, host):
    response = bank_client.get(f"/s/{manager.code}/qr.png", {"logo": "1"})
    assert response.status_code == 200
    result = decoded_one(response)
    assert result.text == f"http://{host}/s/{manager.code}"
    assert result.ec_level == "H"


def test_qr_svg_is_valid_xml_holding_the_link(manager, bank_client, host):
    response = bank_client.get(f"/s/{manager.code}/qr.svg", {"size": "300"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == root.get("height") == "300"
    results = zxingcpp.read_barcodes(svg_raster(response.content))
    assert [r.text for r in results] == [f"http://{host}/s/{manager.code}"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_qr_svg_with_logo_embeds_the_logo(manager, bank_client, brand_logo):
    response = bank_client.get(f"/s/{manager.code}/qr.svg", {"logo": "1"})
    root = ElementTree.fromstring(response.content)
    assert root.find("{http://www.w3.org/2000/svg}image").get("href").startswith("data:image/png;base64,")


@pytest.mark.parametrize(
    "query",
    [{"size": "50"}, {"size": "5000"}, {"size": "big"}, {"level": "Z"}, {"logo": "yes"}],
)
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_bad_options_are_a_400_with_a_message(manager, bank_client, query, fmt):
    response = bank_client.get(f"/s/{manager.code}/qr.{fmt}", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert len(response.content.decode()) > 10


def test_bad_size_message_is_in_chinese_by_default(manager, bank_client):
    response = bank_client.get(f"/s/{manager.code}/qr.png", {"size": "5"})
    with translation.override("zh-hans"):
        expected = gettext("The size must be a whole number of pixels from %(min)d to %(max)d.") % {
            "min": 100,
            "max": 2000,
        }
    assert response.content.decode() == expected
    assert "像素" in expected


@pytest.mark.parametrize("path", ["qr.png", "qr.svg", "poster.png"])
def test_unknown_code_is_404(manager, bank_client, path):
    assert bank_client.get(f"/s/zzzz2345/{path}").status_code == 404
    assert bank_client.get(f"/s/zzzz2345/{path}", {"logo": "1"}).status_code == 404


@pytest.mark.parametrize("path", ["qr.png", "qr.svg", "poster.png"])
def test_another_banks_code_is_404_even_once_rendered_there(manager, bank_client, other_client, in_other_bank, path):
    with in_other_bank():
        elsewhere = StaffFactory(name="别家员工")
    assert other_client.get(f"/s/{elsewhere.code}/{path}").status_code == 200  # cached in the other bank
    assert bank_client.get(f"/s/{elsewhere.code}/{path}").status_code == 404


def test_departed_staff_members_printed_code_keeps_working(manager, bank_client, host):
    successor = manager_with_page(name="李娜")
    staff_leave(staff=manager, successor=successor, actor=None)
    url = f"http://{host}/s/{manager.code}"
    assert decoded(bank_client.get(f"/s/{manager.code}/qr.png")) == [url]
    poster = bank_client.get(f"/s/{manager.code}/poster.png")
    assert poster.status_code == 200
    assert decoded(poster) == [url]  # the printed link, which now names the successor


def test_departed_without_successor_still_gets_a_poster(bank, bank_client, host):
    cache.clear()
    gone = manager_with_page(name="赵六")
    staff_leave(staff=gone, successor=None, actor=None)
    response = bank_client.get(f"/s/{gone.code}/poster.png")
    assert response.status_code == 200
    assert decoded(response) == [f"http://{host}/s/{gone.code}"]


# --- HTTP caching -----------------------------------------------------------------------------------


def test_qr_has_an_etag_and_public_cache_control_and_answers_304(manager, bank_client):
    first = bank_client.get(f"/s/{manager.code}/qr.png")
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert "public" in first["Cache-Control"] and "max-age=86400" in first["Cache-Control"]
    assert "Cookie" not in first.get("Vary", "")  # shared caches may keep one copy for everyone
    assert not first.cookies
    again = bank_client.get(f"/s/{manager.code}/qr.png")
    assert again["ETag"] == etag
    assert again.content == first.content
    not_modified = bank_client.get(f"/s/{manager.code}/qr.png", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert "max-age=86400" in not_modified["Cache-Control"]
    stale = bank_client.get(f"/s/{manager.code}/qr.png", HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200


def test_etag_differs_by_option_and_format(manager, bank_client):
    etags = {
        bank_client.get(f"/s/{manager.code}/qr.png")["ETag"],
        bank_client.get(f"/s/{manager.code}/qr.png", {"size": "700"})["ETag"],
        bank_client.get(f"/s/{manager.code}/qr.png", {"level": "H"})["ETag"],
        bank_client.get(f"/s/{manager.code}/qr.svg")["ETag"],
    }
    assert len(etags) == 4


def test_logo_etag_changes_when_the_logo_changes_and_plain_codes_do_not(manager, bank_client, brand_logo):
    plain = bank_client.get(f"/s/{manager.code}/qr.png")["ETag"]
    with_logo = bank_client.get(f"/s/{manager.code}/qr.png", {"logo": "1"})
    data = io.BytesIO()
    Image.new("RGB", (300, 300), (0, 80, 160)).save(data, "PNG")
    new_logo = get_image_model().objects.create(title="新行徽", file=ImageFile(data, name="logo2.png"))
    brand = BrandSettings.load()
    brand.logo = new_logo
    brand.save()
    after = bank_client.get(f"/s/{manager.code}/qr.png", {"logo": "1"}, HTTP_IF_NONE_MATCH=with_logo["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != with_logo["ETag"]
    assert after.content != with_logo.content
    assert bank_client.get(f"/s/{manager.code}/qr.png")["ETag"] == plain


def test_second_request_is_served_from_the_cache(manager, bank_client, monkeypatch):
    first = bank_client.get(f"/s/{manager.code}/qr.png")
    poster = bank_client.get(f"/s/{manager.code}/poster.png")

    def refuse(**kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr("storefront.views.qr.qr_png", refuse)
    monkeypatch.setattr("storefront.views.qr.poster_png", refuse)
    assert bank_client.get(f"/s/{manager.code}/qr.png").content == first.content
    assert bank_client.get(f"/s/{manager.code}/poster.png").content == poster.content


def test_a_cached_plain_qr_code_needs_no_query(manager, bank_client, django_assert_max_num_queries):
    bank_client.get(f"/s/{manager.code}/qr.png")
    with django_assert_max_num_queries(1):  # at most the bank's lookup by host
        assert bank_client.get(f"/s/{manager.code}/qr.png").status_code == 200


def test_the_cache_is_not_needed_for_correctness(manager, bank_client, host):
    first = bank_client.get(f"/s/{manager.code}/qr.png")
    cache.clear()
    second = bank_client.get(f"/s/{manager.code}/qr.png")
    assert second.content == first.content and second["ETag"] == first["ETag"]


# --- posters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["classic", "minimal", "festive"])
def test_poster_is_phone_sized_and_its_code_decodes_to_the_link(manager, bank_client, host, template):
    response = bank_client.get(f"/s/{manager.code}/poster.png", {"template": template})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1080, 1920)
    assert decoded(response) == [f"http://{host}/s/{manager.code}"]


def test_poster_uses_the_banks_default_template_and_refuses_others(manager, bank_client):
    settings_row = PosterSettings.load()
    settings_row.enabled_templates = ["minimal", "festive"]
    settings_row.default_template = "festive"
    settings_row.save()
    default = bank_client.get(f"/s/{manager.code}/poster.png")
    festive = bank_client.get(f"/s/{manager.code}/poster.png", {"template": "festive"})
    assert default.status_code == 200
    assert default["ETag"] == festive["ETag"]
    refused = bank_client.get(f"/s/{manager.code}/poster.png", {"template": "classic"})
    assert refused.status_code == 400
    assert "festive" in refused.content.decode()
    assert bank_client.get(f"/s/{manager.code}/poster.png", {"template": "nope"}).status_code == 400


def test_poster_etag_changes_when_what_it_shows_changes(manager, bank_client):
    first = bank_client.get(f"/s/{manager.code}/poster.png")
    assert bank_client.get(f"/s/{manager.code}/poster.png", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    manager.title = "理财经理"
    manager.save()
    renamed = bank_client.get(f"/s/{manager.code}/poster.png", HTTP_IF_NONE_MATCH=first["ETag"])
    assert renamed.status_code == 200
    assert renamed.content != first.content
    brand = BrandSettings.load()
    brand.slogan = "新的口号"
    brand.save()
    assert bank_client.get(f"/s/{manager.code}/poster.png")["ETag"] != renamed["ETag"]


def test_poster_shows_the_staff_photo(manager, bank_client):
    photo = io.BytesIO()
    Image.new("RGB", (600, 800), (20, 90, 200)).save(photo, "JPEG")
    manager.photo.save("photo.jpg", ContentFile(photo.getvalue()), save=True)
    image = Image.open(io.BytesIO(bank_client.get(f"/s/{manager.code}/poster.png").content)).convert("RGB")
    red, green, blue = image.getpixel((540, 520))  # the avatar's centre in the classic layout
    assert blue > 150 and red < 80


def test_poster_in_the_banks_colours(manager, bank_client):
    brand = BrandSettings.load()
    brand.primary_colour = "#00875A"
    brand.save()
    image = Image.open(io.BytesIO(bank_client.get(f"/s/{manager.code}/poster.png").content)).convert("RGB")
    assert image.getpixel((540, 60)) == (0, 0x87, 0x5A)  # the classic header


# --- the workspace share page -----------------------------------------------------------------------


@pytest.fixture
def manager_client(bank_client, manager):
    bank_client.force_login(manager.user)
    return bank_client


def test_share_page_shows_my_link_qr_code_and_poster(manager, manager_client, host):
    response = manager_client.get("/workspace/page/share/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"http://{host}/s/{manager.code}" in html
    assert f"/s/{manager.code}/qr.png?size=1000" in html
    assert f"/s/{manager.code}/qr.svg" in html
    assert f"/s/{manager.code}/poster.png?template=classic" in html
    for template in ("classic", "minimal", "festive"):
        assert f'data-template="{template}"' in html
    assert "logo=1" not in html  # the bank has no logo yet


def test_share_page_offers_the_logo_code_when_the_bank_has_a_logo(manager_client, brand_logo):
    assert "logo=1" in manager_client.get("/workspace/page/share/").content.decode()


def test_share_page_template_pick_swaps_only_the_poster_with_htmx(manager, manager_client):
    response = manager_client.get("/workspace/page/share/", {"template": "festive"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="poster">')
    assert f"/s/{manager.code}/poster.png?template=festive" in html
    full = manager_client.get("/workspace/page/share/", {"template": "minimal"}).content.decode()
    assert "poster.png?template=minimal" in full and "<h1>" in full


def test_share_page_falls_back_to_the_default_for_an_unknown_template(manager, manager_client):
    html = manager_client.get("/workspace/page/share/", {"template": "nope"}).content.decode()
    assert "poster.png?template=classic" in html


def test_share_page_needs_a_login(bank_client):
    response = bank_client.get("/workspace/page/share/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_builder_links_to_the_share_page(manager_client):
    assert 'href="/workspace/page/share/"' in manager_client.get("/workspace/page/").content.decode()


def test_share_page_images_load(manager, manager_client):
    html = manager_client.get("/workspace/page/share/").content.decode()
    for url in (f"/s/{manager.code}/qr.png?size=480", f"/s/{manager.code}/poster.png?template=classic"):
        assert url in html
        assert manager_client.get(url).status_code == 200
