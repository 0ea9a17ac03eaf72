"""Share posters: a 1080×1920 PNG (a phone screen; prints sharp at A5) in the bank's brand, with the
person a customer will deal with and the QR code of the link being handed out.

Layouts are built in (`PosterTemplate`: classic, minimal, festive); head office chooses which of them
its staff may use in `PosterSettings`. Every piece of text is drawn with the bundled Noto Sans CJK SC
subset (cms/fonts/), so Chinese renders the same on any server, whatever fonts it has. Like QR codes,
posters are cached under an ETag that hashes everything drawn on them.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from cms.models import PosterTemplate
from cms.qr import LOGO_SIDE, RENDERER_VERSION, image_prepared, image_version, qr_image

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKsc-Regular-subset.otf"
WIDTH, HEIGHT = 1080, 1920
POSTER_QR_LEVEL = "Q"  # printed posters get scuffed and folded: 25% recovery, still a small symbol
INK = (31, 35, 41)
MUTED = (96, 102, 112)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class PosterPerson:
    """Who the poster introduces. `photo` is a stored image file (e.g. `Staff.photo`) or None, in
    which case a round avatar with the first character of the name is drawn."""

    name: str
    title: str = ""
    branch: str = ""
    licence_no: str = ""
    photo: object = field(default=None, compare=False)
    photo_version: str = ""


@dataclass(frozen=True)
class PosterBrand:
    """The bank's brand as posters use it (from `BrandSettings` and the bank's name)."""

    bank_name: str
    primary: str = "#C8102E"
    accent: str = "#F5A623"
    slogan: str = ""
    hotline: str = ""
    logo: object = field(default=None, compare=False)  # a Wagtail image or None

    @classmethod
    def from_settings(cls, brand, *, bank_name: str) -> PosterBrand:
        return cls(
            bank_name=bank_name,
            primary=brand.primary_colour,
            accent=brand.accent_colour,
            slogan=brand.slogan,
            hotline=brand.hotline,
            logo=brand.logo,
        )


@lru_cache(maxsize=64)
def poster_font(size: int) -> ImageFont.FreeTypeFont:
    """The bundled CJK font at `size` pixels (loaded once per size and process)."""
    return ImageFont.truetype(str(FONT_PATH), size)


def poster_captions() -> dict[str, str]:
    """The words on a poster, in the current language."""
    return {
        "scan": _("Scan the QR code to visit my storefront"),
        "hotline": _("Service hotline"),
        "licence": _("Licence No."),
    }


def poster_etag(*, url: str, template: str, brand: PosterBrand, person: PosterPerson) -> str:
    """The ETag of a poster: a hash of everything drawn on it, so it changes exactly when it would."""
    brand_part = [brand.bank_name, brand.primary, brand.accent, brand.slogan, brand.hotline, image_version(brand.logo)]
    person_part = [person.name, person.title, person.branch, person.licence_no, person.photo_version]
    source = json.dumps(
        [RENDERER_VERSION, "poster", template, url, brand_part, person_part, get_language(), poster_captions()],
        ensure_ascii=False,
    )
    return hashlib.sha256(source.encode()).hexdigest()[:32]


def poster_png(*, url: str, template: str, brand: PosterBrand, person: PosterPerson) -> bytes:
    """The poster as PNG bytes, drawn with layout `template` (a `PosterTemplate` value)."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    layout = _LAYOUTS.get(template, _classic)
    layout(_Poster(canvas, url=url, brand=brand, person=person))
    out = io.BytesIO()
    # Flat colours compress well even at a low level; level 1 keeps encoding to a few ms.
    canvas.save(out, "PNG", compress_level=1)
    return out.getvalue()


# --- drawing helpers -------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _readable_on(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """White or ink, whichever reads better on `background` (WCAG relative luminance)."""

    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in background)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return WHITE if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else INK


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


class _Poster:
    """One poster being drawn: the canvas, what goes on it and the drawing primitives layouts share."""

    def __init__(self, canvas: Image.Image, *, url: str, brand: PosterBrand, person: PosterPerson):
        self.canvas = canvas
        self.draw = ImageDraw.Draw(canvas)
        self.url = url
        self.brand = brand
        self.person = person
        self.primary = _rgb(brand.primary)
        self.accent = _rgb(brand.accent)
        self.captions = poster_captions()

    def text(self, xy, text: str, *, size: int, fill, anchor="la", bold=False, max_width=None, min_size=None):
        """Draw one line; shrink it (down to `min_size`) and then cut it with "…" to fit `max_width`."""
        if not text:
            return 0
        font = poster_font(size)
        if max_width:
            floor = min_size or size
            while size > floor and self.draw.textlength(text, font=font) > max_width:
                size = max(floor, int(size * 0.92))
                font = poster_font(size)
            if self.draw.textlength(text, font=font) > max_width:
                while len(text) > 1 and self.draw.textlength(text + "…", font=font) > max_width:
                    text = text[:-1]
                text += "…"
        stroke = max(1, size // 36) if bold else 0
        self.draw.text(xy, text, font=font, fill=fill, anchor=anchor, stroke_width=stroke, stroke_fill=fill)
        return size

    def wrap(self, text: str, *, size: int, max_width: int, max_lines: int) -> list[str]:
        """`text` broken into lines that fit `max_width` at `size` (by character: Chinese has no
        spaces); the last line is cut with "…" by `text()` if there is still more."""
        font = poster_font(size)
        lines, line = [], ""
        for index, char in enumerate(text):
            if line and self.draw.textlength(line + char, font=font) > max_width:
                if len(lines) == max_lines - 1:
                    return [*lines, line + text[index:]]
                lines.append(line)
                line = ""
            line += char
        return [*lines, line] if line else lines

    def logo(self, box: tuple[int, int, int, int], *, on_colour=None) -> bool:
        """The bank's logo fitted into `box` (left, top, width, height), on a white rounded plate when the
        background is coloured (logos are made for white). False when the bank has no logo."""
        picture = image_prepared(self.brand.logo, version=image_version(self.brand.logo), max_side=LOGO_SIDE)
        if picture is None:
            return False
        left, top, width, height = box
        picture.thumbnail((width, height), Image.LANCZOS)
        x = left + (width - picture.width) // 2
        y = top + (height - picture.height) // 2
        if on_colour is not None:
            pad = 14
            self.draw.rounded_rectangle(
                (x - pad, y - pad, x + picture.width + pad, y + picture.height + pad), radius=16, fill=WHITE
            )
        if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
            picture = picture.convert("RGBA")
            self.canvas.paste(picture, (x, y), picture)
        else:
            self.canvas.paste(picture.convert("RGB"), (x, y))
        return True

    def avatar(self, centre: tuple[int, int], diameter: int, *, ring=WHITE, ring_width=10, fill=None):
        """The person's photo in a circle, or their initial on a brand-coloured disc."""
        cx, cy = centre
        outer = diameter + 2 * ring_width
        if ring_width:
            self.draw.ellipse((cx - outer // 2, cy - outer // 2, cx + outer // 2, cy + outer // 2), fill=ring)
        # Twice the diameter on the long side, so the short side of a portrait still fills the circle.
        photo = image_prepared(self.person.photo, version=self.person.photo_version, max_side=2 * diameter)
        if photo is not None:
            photo = _square(photo.convert("RGB"), diameter)
        else:
            background = fill or self.primary
            photo = Image.new("RGB", (diameter, diameter), background)
            initial = (self.person.name.strip() or "?")[0]
            ImageDraw.Draw(photo).text(
                (diameter // 2, diameter // 2),
                initial.upper(),
                font=poster_font(int(diameter * 0.46)),
                fill=_readable_on(background),
                anchor="mm",
            )
        self.canvas.paste(photo, (cx - diameter // 2, cy - diameter // 2), _circle_mask(diameter))

    def qr(self, centre: tuple[int, int], size: int, *, frame=None, frame_width=0, radius=24):
        """The link's QR code on a white square (with an optional coloured frame)."""
        cx, cy = centre
        half = size // 2
        if frame is not None and frame_width:
            outer = half + frame_width
            self.draw.rounded_rectangle(
                (cx - outer, cy - outer, cx + outer, cy + outer), radius=radius + frame_width, fill=frame
            )
        self.draw.rounded_rectangle((cx - half, cy - half, cx + half, cy + half), radius=radius, fill=WHITE)
        code = qr_image(data=self.url, size=size, level=POSTER_QR_LEVEL).convert("RGB")
        self.canvas.paste(code, (cx - code.width // 2, cy - code.height // 2))

    def person_lines(self, x, y, *, anchor, max_width, name_size=76, colour=INK, muted=MUTED, gap=18) -> int:
        """Name, title, branch and licence number, one under another; returns the y below them."""
        person = self.person
        name_anchor = anchor[0] + "t"
        self.text((x, y), person.name, size=name_size, fill=colour, anchor=name_anchor, bold=True,
                  max_width=max_width, min_size=44)  # fmt: skip
        y += name_size + gap + 6
        if person.title:
            self.text((x, y), person.title, size=40, fill=muted, anchor=name_anchor, max_width=max_width, min_size=28)
            y += 40 + gap
        # Official branch names run long (…农村商业银行股份有限公司…支行营业部): up to two lines.
        for line in self.wrap(person.branch, size=34, max_width=max_width, max_lines=2):
            self.text((x, y), line, size=34, fill=muted, anchor=name_anchor, max_width=max_width)
            y += 34 + gap // 2
        if person.branch:
            y += gap // 2
        if person.licence_no:
            licence = f"{self.captions['licence']} {person.licence_no}"
            self.text((x, y), licence, size=30, fill=muted, anchor=name_anchor, max_width=max_width, min_size=22)
            y += 30 + gap
        return y


@lru_cache(maxsize=8)
def _circle_mask(diameter: int) -> Image.Image:
    """An antialiased disc (drawn at 4× and scaled down: Pillow's ellipses have jagged edges)."""
    big = Image.new("L", (diameter * 4, diameter * 4), 0)
    ImageDraw.Draw(big).ellipse((0, 0, diameter * 4 - 1, diameter * 4 - 1), fill=255)
    return big.resize((diameter, diameter), Image.LANCZOS)


def _square(picture: Image.Image, side: int) -> Image.Image:
    """Crop the centre square (a little above centre for portraits, where faces are) and scale it."""
    w, h = picture.size
    edge = min(w, h)
    left = (w - edge) // 2
    top = max(0, min(h - edge, int((h - edge) * 0.3)))
    return picture.crop((left, top, left + edge, top + edge)).resize((side, side), Image.LANCZOS)


# --- layouts ---------------------------------------------------------------------------------------


def _classic(p: _Poster):
    """A brand-coloured header with logo, bank name and slogan; a white card with the person and a
    large QR code; the hotline at the foot."""
    d = p.draw
    on_primary = _readable_on(p.primary)
    d.rectangle((0, 0, WIDTH, 620), fill=p.primary)
    halo = _mix(p.primary, WHITE, 0.08)
    d.ellipse((WIDTH - 330, -250, WIDTH + 250, 330), fill=halo)
    d.ellipse((-180, 380, 220, 780), fill=halo)
    d.rectangle((0, 620, WIDTH, HEIGHT), fill=(244, 245, 247))
    d.rectangle((0, 0, WIDTH, 12), fill=p.accent)
    has_logo = p.logo((90, 80, 260, 100), on_colour=p.primary)
    name_x = 390 if has_logo else WIDTH // 2
    p.text((name_x, 130), p.brand.bank_name, size=50, fill=on_primary, anchor="lm" if has_logo else "mm",
           bold=True, max_width=WIDTH - name_x - 70 if has_logo else WIDTH - 140, min_size=32)  # fmt: skip
    p.text((WIDTH // 2, 300), p.brand.slogan, size=56, fill=on_primary, anchor="mm", bold=True,
           max_width=WIDTH - 160, min_size=34)  # fmt: skip

    d.rounded_rectangle((60, 470, WIDTH - 60, 1780), radius=36, fill=WHITE)
    p.avatar((WIDTH // 2, 520), 220, ring=WHITE, ring_width=10)
    y = p.person_lines(WIDTH // 2, 660, anchor="mt", max_width=WIDTH - 200)
    d.line((140, y + 10, WIDTH - 140, y + 10), fill=(230, 232, 236), width=3)
    qr_top = max(y + 50, 1000)
    qr_size = min(600, 1630 - qr_top)
    p.qr((WIDTH // 2, qr_top + qr_size // 2), qr_size, frame=p.accent, frame_width=6)
    p.text((WIDTH // 2, qr_top + qr_size + 50), p.captions["scan"], size=38, fill=p.primary, anchor="mt",
           max_width=WIDTH - 200, min_size=28)  # fmt: skip
    if p.brand.hotline:
        p.text((WIDTH // 2, 1850), f"{p.captions['hotline']} {p.brand.hotline}", size=34, fill=MUTED, anchor="mm")


def _minimal(p: _Poster):
    """White, quiet and left-aligned: a thin brand rule, the person beside their photo, a very large
    QR code; for banks that prefer understatement."""
    d = p.draw
    d.rectangle((0, 0, WIDTH, 16), fill=p.primary)
    has_logo = p.logo((90, 90, 220, 90))
    p.text((330 if has_logo else 90, 135), p.brand.bank_name, size=42, fill=INK, anchor="lm", bold=True,
           max_width=WIDTH - (420 if has_logo else 180), min_size=28)  # fmt: skip
    d.line((90, 250, WIDTH - 90, 250), fill=(230, 232, 236), width=2)
    p.avatar((90 + 110, 420), 220, ring=None, ring_width=0, fill=p.primary)
    p.person_lines(360, 320, anchor="lt", max_width=WIDTH - 360 - 90, name_size=70)
    p.qr((WIDTH // 2, 1060), 700)
    d.rectangle((90, 1450, 90 + 80, 1458), fill=p.accent)
    p.text((90, 1490), p.captions["scan"], size=40, fill=INK, anchor="lt", max_width=WIDTH - 180, min_size=28)
    p.text((90, 1560), p.brand.slogan, size=34, fill=MUTED, anchor="lt", max_width=WIDTH - 180, min_size=26)
    if p.brand.hotline:
        p.text((90, 1820), f"{p.captions['hotline']} {p.brand.hotline}", size=32, fill=MUTED, anchor="lm")
    d.rectangle((WIDTH - 90 - 120, 1816, WIDTH - 90, 1824), fill=p.primary)


def _festive(p: _Poster):
    """Brand colour all over with accent-coloured rays, lanterns and a double border; the person and
    the QR code on white cards: for holidays and campaigns."""
    d = p.draw
    d.rectangle((0, 0, WIDTH, HEIGHT), fill=p.primary)
    ray = _mix(p.primary, p.accent, 0.18)
    cx, cy = WIDTH // 2, 330
    for i in range(0, 24, 2):
        d.pieslice((cx - 1400, cy - 1400, cx + 1400, cy + 1400), i * 15, i * 15 + 15, fill=ray)
    d.ellipse((cx - 330, cy - 330, cx + 330, cy + 330), fill=_mix(p.primary, p.accent, 0.3))
    d.ellipse((cx - 250, cy - 250, cx + 250, cy + 250), fill=p.primary)
    for x in (150, WIDTH - 150):  # two lanterns
        d.line((x, 0, x, 110), fill=p.accent, width=4)
        d.ellipse((x - 55, 110, x + 55, 230), fill=p.accent)
        d.rectangle((x - 30, 100, x + 30, 120), fill=_mix(p.accent, INK, 0.3))
        d.rectangle((x - 30, 222, x + 30, 240), fill=_mix(p.accent, INK, 0.3))
        for k in range(-2, 3):
            d.line((x + k * 8, 240, x + k * 8, 300), fill=p.accent, width=3)
    d.rectangle((24, 24, WIDTH - 24, HEIGHT - 24), outline=p.accent, width=6)
    d.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline=p.accent, width=2)

    on_primary = _readable_on(p.primary)
    has_logo = p.logo((WIDTH // 2 - 130, 200, 260, 90), on_colour=p.primary)
    p.text((WIDTH // 2, 360 if has_logo else 300), p.brand.bank_name, size=52, fill=on_primary, anchor="mm",
           bold=True, max_width=WIDTH - 200, min_size=32)  # fmt: skip
    p.text((WIDTH // 2, 450), p.brand.slogan, size=60, fill=p.accent, anchor="mm", bold=True,
           max_width=WIDTH - 160, min_size=34)  # fmt: skip

    d.rounded_rectangle((80, 540, WIDTH - 80, 900), radius=32, fill=WHITE)
    p.avatar((80 + 170, 720), 220, ring=p.accent, ring_width=8)
    p.person_lines(420, 590, anchor="lt", max_width=WIDTH - 420 - 120, name_size=68, gap=14)

    p.qr((WIDTH // 2, 1320), 620, frame=p.accent, frame_width=14, radius=28)
    p.text((WIDTH // 2, 1700), p.captions["scan"], size=40, fill=on_primary, anchor="mm", bold=True,
           max_width=WIDTH - 200, min_size=28)  # fmt: skip
    if p.brand.hotline:
        p.text((WIDTH // 2, 1800), f"{p.captions['hotline']} {p.brand.hotline}", size=32, fill=p.accent, anchor="mm")


_LAYOUTS = {
    PosterTemplate.CLASSIC.value: _classic,
    PosterTemplate.MINIMAL.value: _minimal,
    PosterTemplate.FESTIVE.value: _festive,
}
