"""QR codes and posters as images: decoded with a real QR decoder (zxing-cpp), drawn with the bundled
font. No database: these are the drawing functions every app that hands out links shares."""

import io
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.utils import translation
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from cms import qr
from cms.forms import PosterOptionsForm, QrOptionsForm
from cms.posters import FONT_PATH, HEIGHT, WIDTH, PosterBrand, PosterPerson, poster_etag, poster_font, poster_png
from cms.qr import QrOptions, qr_etag, qr_image, qr_matrix, qr_png, qr_svg

URL = "https://testbank.yundian.example.com/s/k3m9x2ab"
# A custom domain and a long code: a symbol of version 7+, whose centre holds an alignment pattern.
LONG_URL = "https://weixin.ganpo-rural-commercial-bank.example.com.cn/s/k3m9x2abk3m9x2ab?r=share-token-1234"
RARE = "喆犇堃淼赟珺玥彧"


def decode(image: Image.Image) -> list:
    return zxingcpp.read_barcodes(image)


def decode_one(data: bytes):
    results = decode(Image.open(io.BytesIO(data)))
    assert len(results) == 1, results
    return results[0]


def logo_picture(size=300) -> Image.Image:
    """A bank-logo-like picture: a red disc with a gold bar, on transparency."""
    picture = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((0, 0, size - 1, size - 1), fill=(200, 16, 46, 255))
    draw.rectangle((size // 4, size * 2 // 5, size * 3 // 4, size * 3 // 5), fill=(245, 166, 35, 255))
    return picture


def svg_raster(svg: bytes, scale: int = 8) -> Image.Image:
    """Draw the SVG's module path (the only shape it has) into an image, for the decoder."""
    root = ElementTree.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    total = int(root.get("viewBox").split()[2])
    image = Image.new("L", (total * scale, total * scale), 255)
    draw = ImageDraw.Draw(image)
    path = root.find("svg:path", ns).get("d")
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path):
        x, y, run = int(x), int(y), int(run)
        draw.rectangle((x * scale, y * scale, (x + run) * scale - 1, (y + 1) * scale - 1), fill=0)
    return image


# --- QR codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_png_decodes_to_the_exact_url_at_each_level(level):
    result = decode_one(qr_png(data=URL, options=QrOptions(level=level)))
    assert result.text == URL
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    assert result.ec_level == level


@pytest.mark.parametrize("size", [qr.SIZE_MIN, 333, qr.DEFAULT_SIZE, qr.SIZE_MAX])
def test_png_is_exactly_the_size_asked_for_and_still_decodes(size):
    data = qr_png(data=URL, options=QrOptions(size=size))
    image = Image.open(io.BytesIO(data))
    assert image.size == (size, size)
    assert decode_one(data).text == URL


def test_png_keeps_a_white_quiet_zone_of_four_modules():
    image = qr_image(data=URL, size=600).convert("L")
    modules = len(qr_matrix(data=URL, level="M"))
    box = 600 // (modules + 2 * qr.QUIET_ZONE)
    offset = (600 - modules * box) // 2
    margin = image.crop((0, 0, 600, offset - 1))
    assert offset >= qr.QUIET_ZONE * box
    assert margin.getextrema() == (255, 255)


def test_logo_forces_level_h_and_the_code_still_decodes():
    data = qr_png(data=URL, options=QrOptions(level="L", logo=True), logo=logo_picture())
    result = decode_one(data)
    assert result.text == URL
    assert result.ec_level == "H"


def test_logo_sits_in_the_centre_within_what_level_h_tolerates():
    size = 900
    image = qr_image(data=URL, size=size, logo=logo_picture())
    modules = len(qr_matrix(data=URL, level="H"))
    box = size // (modules + 2 * qr.QUIET_ZONE)
    symbol = modules * box
    # The logo's colours appear only in a centred square no wider than a quarter of the symbol.
    coloured = [(x, y) for y in range(0, size, 3) for x in range(0, size, 3) if _colourful(image.getpixel((x, y)))]
    assert coloured, "the logo is drawn"
    xs, ys = [x for x, _y in coloured], [y for _x, y in coloured]
    assert max(xs) - min(xs) <= 0.25 * symbol
    assert max(ys) - min(ys) <= 0.25 * symbol
    assert abs((max(xs) + min(xs)) / 2 - size / 2) <= box * 2
    # …on a white pad: just outside the logo there is only white.
    left = min(xs) - box // 2
    assert image.getpixel((left, size // 2)) == (255, 255, 255)


def _colourful(pixel) -> bool:
    return max(pixel) - min(pixel) > 60


def test_long_url_with_a_logo_still_decodes():
    assert len(qr_matrix(data=LONG_URL, level="H")) >= 45  # version 7 or more
    data = qr_png(data=LONG_URL, options=QrOptions(size=800, logo=True), logo=logo_picture())
    assert decode_one(data).text == LONG_URL


def test_logo_option_without_a_logo_draws_a_plain_level_h_code():
    result = decode_one(qr_png(data=URL, options=QrOptions(logo=True), logo=None))
    assert result.text == URL
    assert result.ec_level == "H"


def test_svg_is_valid_xml_holding_the_same_code():
    svg = qr_svg(data=URL, options=QrOptions(size=500))
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "500"
    modules = len(qr_matrix(data=URL, level="M"))
    assert root.get("viewBox") == f"0 0 {modules + 8} {modules + 8}"
    results = decode(svg_raster(svg))
    assert [r.text for r in results] == [URL]
    assert results[0].ec_level == "M"


def test_svg_with_a_logo_embeds_it_and_the_code_still_decodes():
    svg = qr_svg(data=URL, options=QrOptions(logo=True), logo=logo_picture())
    root = ElementTree.fromstring(svg)
    image = root.find("{http://www.w3.org/2000/svg}image")
    assert image is not None
    assert image.get("href").startswith("data:image/png;base64,")
    assert float(image.get("width")) <= 0.25 * len(qr_matrix(data=URL, level="H"))
    # The module path is drawn in full under the logo pad; decode it with the pad painted white.
    raster = svg_raster(svg)
    pad = root.findall("{http://www.w3.org/2000/svg}rect")[1]
    x, y, w = (float(pad.get(k)) for k in ("x", "y", "width"))
    ImageDraw.Draw(raster).rectangle((x * 8, y * 8, (x + w) * 8 - 1, (y + w) * 8 - 1), fill=255)
    assert [r.text for r in decode(raster)] == [URL]


def test_etag_changes_exactly_when_the_image_would():
    base = qr_etag(data=URL, options=QrOptions(), fmt="png")
    assert base == qr_etag(data=URL, options=QrOptions(), fmt="png")
    assert base == qr_etag(data=URL, options=QrOptions(), fmt="png", logo_version="7:abc")  # no logo drawn
    others = {
        qr_etag(data=URL + "x", options=QrOptions(), fmt="png"),
        qr_etag(data=URL, options=QrOptions(size=601), fmt="png"),
        qr_etag(data=URL, options=QrOptions(level="Q"), fmt="png"),
        qr_etag(data=URL, options=QrOptions(logo=True), fmt="png", logo_version="7:abc"),
        qr_etag(data=URL, options=QrOptions(logo=True), fmt="png", logo_version="8:def"),
        qr_etag(data=URL, options=QrOptions(), fmt="svg"),
    }
    assert base not in others
    assert len(others) == 6
    # With a logo the level is always H, so asking for another level changes nothing.
    assert qr_etag(data=URL, options=QrOptions(level="L", logo=True), fmt="png", logo_version="7") == qr_etag(
        data=URL, options=QrOptions(level="H", logo=True), fmt="png", logo_version="7"
    )


def test_rendering_is_deterministic():
    """The ETag promises the same bytes for the same inputs (caches in front of us rely on it)."""
    assert qr_png(data=URL, options=QrOptions()) == qr_png(data=URL, options=QrOptions())


# --- options ----------------------------------------------------------------------------------------


def test_options_default_to_600_pixels_level_m_no_logo():
    form = QrOptionsForm({})
    assert form.is_valid()
    assert form.options() == QrOptions(size=600, level="M", logo=False)


def test_options_accept_lower_case_levels_and_ignore_unknown_parameters():
    form = QrOptionsForm({"size": "1000", "level": "q", "logo": "1", "utm_source": "wechat"})
    assert form.is_valid()
    assert form.options() == QrOptions(size=1000, level="Q", logo=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [("size", "99"), ("size", "2001"), ("size", "abc"), ("size", "-5"), ("size", "1e3"), ("level", "X"),
     ("level", "HH"), ("logo", "yes"), ("logo", "2")],
)  # fmt: skip
def test_bad_options_are_refused_with_a_message(field, value):
    form = QrOptionsForm({field: value})
    assert not form.is_valid()
    assert form.errors[field]


def test_messages_are_chinese_by_default():
    with translation.override("zh-hans"):
        form = QrOptionsForm({"size": "5"})
        assert not form.is_valid()
        message = form.errors["size"][0]
    with translation.override("en"):
        english = QrOptionsForm({"size": "5"})
        english.is_valid()
    assert "100" in message and "2000" in message
    assert message != english.errors["size"][0]


def test_poster_template_must_be_one_the_bank_offers():
    assert PosterOptionsForm({}, templates=["minimal", "classic"]).is_valid()
    form = PosterOptionsForm({}, templates=["minimal", "classic"])
    form.is_valid()
    assert form.cleaned_data["template"] == "minimal"  # the first is the bank's default
    refused = PosterOptionsForm({"template": "festive"}, templates=["minimal", "classic"])
    assert not refused.is_valid()
    assert "classic" in refused.errors["template"][0]


# --- the bundled font -------------------------------------------------------------------------------


def test_posters_draw_with_the_bundled_font_and_its_licence_is_beside_it():
    font = poster_font(48)
    assert Path(font.path) == FONT_PATH
    assert FONT_PATH.parent == Path(qr.__file__).parent / "fonts"
    assert font.getname() == ("Noto Sans CJK SC", "Regular")
    licence = (FONT_PATH.parent / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Adobe" in licence
    readme = (FONT_PATH.parent / "README.md").read_text()
    assert "pyftsubset" in readme and "U+4E00-9FFF" in readme
    assert FONT_PATH.stat().st_size < 8 * 1024 * 1024


def test_font_covers_rare_name_characters_and_the_basic_block():
    font = TTFont(FONT_PATH)
    cmap = font.getBestCmap()
    for char in RARE + "陈晓王·—“”…、。，：（）￥0123456789ABCxyz":
        assert ord(char) in cmap, char
        assert cmap[ord(char)] != ".notdef", char
    # The whole basic block as far as Noto Sans CJK 2.004 goes (U+9FF0–9FFF came with Unicode 13–14).
    assert all(code in cmap for code in range(0x4E00, 0x9FF0))


def _glyph(char: str) -> bytes:
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((8, 8), char, font=poster_font(64), fill=255)
    return image.tobytes()


def test_rare_characters_render_as_their_own_glyphs_not_as_notdef():
    notdef = _glyph("\U00020000")  # Extension B: outside the subset, drawn as the .notdef box
    assert any(notdef)  # the box is visible, so a missing character shows
    glyphs = {char: _glyph(char) for char in RARE}
    for char, glyph in glyphs.items():
        assert any(glyph), char
        assert glyph != notdef, char
    assert len(set(glyphs.values())) == len(RARE)  # each its own glyph


# --- posters ----------------------------------------------------------------------------------------

BRAND = PosterBrand(bank_name="赣鄱农商银行", slogan="家门口的银行", hotline="96268")
PERSON = PosterPerson(name="王喆犇", title="客户经理", branch="南昌东湖支行", licence_no="ZG-2023-00123")


@pytest.mark.parametrize("template", ["classic", "minimal", "festive"])
def test_each_poster_template_is_phone_sized_and_its_code_decodes_to_the_url(template):
    data = poster_png(url=URL, template=template, brand=BRAND, person=PERSON)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT) == (1080, 1920)
    assert [r.text for r in decode(image)] == [URL]


def test_poster_draws_the_name_in_the_bundled_font():
    """Two names with the same characters in another order differ on the poster only if each character
    is drawn as its own glyph (with .notdef they would be two identical boxes)."""
    first = poster_png(url=URL, template="classic", brand=BRAND, person=PosterPerson(name="喆犇"))
    second = poster_png(url=URL, template="classic", brand=BRAND, person=PosterPerson(name="犇喆"))
    assert first != second


def test_poster_shows_the_photo_when_there_is_one():
    photo = io.BytesIO()
    Image.new("RGB", (800, 1000), (20, 90, 200)).save(photo, "JPEG")
    person = PosterPerson(name="陈晓", photo=ContentFile(photo.getvalue(), name="photo.jpg"), photo_version="p1")
    image = Image.open(io.BytesIO(poster_png(url=URL, template="classic", brand=BRAND, person=person)))
    red, green, blue = image.getpixel((WIDTH // 2, 520))  # the avatar's centre in the classic layout
    assert blue > 150 and red < 80


def test_poster_without_slogan_hotline_or_licence_still_draws():
    brand = PosterBrand(bank_name="测试银行", primary="#F5F5F5", accent="#333333")
    for template in ("classic", "minimal", "festive"):
        data = poster_png(url=URL, template=template, brand=brand, person=PosterPerson(name="Li Lei"))
        assert [r.text for r in decode(Image.open(io.BytesIO(data)))] == [URL]


def test_poster_etag_follows_what_is_drawn():
    base = poster_etag(url=URL, template="classic", brand=BRAND, person=PERSON)
    assert base == poster_etag(url=URL, template="classic", brand=BRAND, person=PERSON)
    changed = {
        poster_etag(url=URL, template="minimal", brand=BRAND, person=PERSON),
        poster_etag(url=URL + "x", template="classic", brand=BRAND, person=PERSON),
        poster_etag(url=URL, template="classic", brand=PosterBrand(bank_name="别的银行"), person=PERSON),
        poster_etag(url=URL, template="classic", brand=BRAND, person=PosterPerson(name="王喆")),
        poster_etag(
            url=URL, template="classic", brand=BRAND, person=PosterPerson(name="王喆犇", photo_version="new.jpg")
        ),
    }
    assert base not in changed and len(changed) == 5
    with translation.override("en"):
        assert poster_etag(url=URL, template="classic", brand=BRAND, person=PERSON) != base


# --- head office's choice of poster templates (Wagtail settings) -------------------------------------


def test_head_office_enables_poster_templates_and_picks_the_default(bank, bank_client):
    from django.urls import reverse

    from cms.models import PosterSettings
    from tests.factories import StaffFactory

    bank_client.force_login(StaffFactory(role="hq_admin").user)
    url = reverse("wagtailsettings:edit", args=["cms", "postersettings", PosterSettings.load().pk])
    page = bank_client.get(url)
    assert page.status_code == 200
    assert 'type="checkbox" name="enabled_templates" value="festive"' in page.content.decode()
    response = bank_client.post(url, {"enabled_templates": ["minimal", "festive"], "default_template": "festive"})
    assert response.status_code == 302
    row = PosterSettings.load()
    assert row.enabled_templates == ["minimal", "festive"]
    assert row.templates == ["festive", "minimal"]  # the default first
    refused = bank_client.post(url, {"enabled_templates": ["minimal"], "default_template": "festive"})
    assert refused.status_code == 200  # the form again, with the error
    assert PosterSettings.load().default_template == "festive"
    assert bank_client.post(url, {"enabled_templates": ["bogus"], "default_template": "classic"}).status_code == 200
    assert PosterSettings.load().enabled_templates == ["minimal", "festive"]


def test_every_bank_starts_with_all_poster_templates(bank):
    from cms.models import PosterSettings

    assert PosterSettings.objects.count() == 1
    assert PosterSettings.load().templates == ["classic", "minimal", "festive"]
