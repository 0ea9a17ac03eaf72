"""QR codes for the links the bank hands out (staff pages, questionnaires, campaigns), as PNG or SVG,
optionally with the bank's logo in the centre.

The `qrcode` library encodes; drawing is done here from its module matrix (one scaled bitmap rather
than a rectangle per module), which gives exact control over size, quiet zone and logo. Rendered
bytes are cached under their ETag, which is a hash of everything that decides them (the data, the
options, the logo's version and `RENDERER_VERSION`), so a cache entry can never be stale and needs
no invalidation.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

import qrcode
from django.core.cache import cache
from PIL import Image, ImageDraw, ImageOps, PngImagePlugin  # noqa: F401  (PNG plugin loaded up front)
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

# Bump when the drawing changes, so that every ETag and cache entry changes with it.
RENDERER_VERSION = "1"

LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}
DEFAULT_LEVEL = "M"
SIZE_MIN, SIZE_MAX, DEFAULT_SIZE = 100, 2000, 600
QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks

# Level H restores up to 30% of damaged codewords. The logo and its white pad cover at most this
# share of the symbol's width (about 6% of its area), which leaves a wide margin for a scratched
# or badly lit print.
LOGO_BOX_FRACTION = 0.24
LOGO_SIDE = 512  # logos are prepared once at this size: enough for a 2000-pixel code and for posters

CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class QrOptions:
    """How a QR code is drawn. `size` is the width and height of the image in pixels; `logo` puts the
    bank's logo in the centre and therefore always uses level H."""

    size: int = DEFAULT_SIZE
    level: str = DEFAULT_LEVEL
    logo: bool = False

    @property
    def effective_level(self) -> str:
        return "H" if self.logo else self.level

    def key(self) -> str:
        return f"size={self.size};level={self.effective_level};logo={int(self.logo)}"


def qr_matrix(*, data: str, level: str) -> list[list[bool]]:
    """The symbol's modules (True = dark), without the quiet zone, in the smallest version that fits."""
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.modules


def _logo_modules(count: int) -> int:
    """Width in modules of the logo's white pad: a centred, whole number of modules."""
    box = int(count * LOGO_BOX_FRACTION)
    if box % 2 != count % 2:  # same parity as the symbol, so it sits exactly in the middle
        box -= 1
    return max(box, 0)


def _prepare_logo(logo: Image.Image, side: int) -> Image.Image:
    """The logo scaled to fit a `side`×`side` square (aspect kept), on white where it is transparent."""
    logo = ImageOps.exif_transpose(logo)
    if logo.mode not in ("RGB", "RGBA"):
        logo = logo.convert("RGBA")
    logo.thumbnail((side, side), Image.LANCZOS)
    if logo.mode == "RGBA":
        flat = Image.new("RGB", logo.size, "white")
        flat.paste(logo, mask=logo.getchannel("A"))
        logo = flat
    return logo


def qr_image(*, data: str, size: int, level: str = DEFAULT_LEVEL, logo: Image.Image | None = None) -> Image.Image:
    """The QR code of `data` as a `size`×`size` image (mode "1" without a logo, "RGB" with one).

    Modules are whole pixels (crisp edges at any size); what does not divide evenly becomes extra
    white margin. With a logo the level is forced to H.
    """
    if logo is not None:
        level = "H"
    modules = qr_matrix(data=data, level=level)
    count = len(modules)
    total = count + 2 * QUIET_ZONE
    box = max(1, size // total)
    symbol = Image.frombytes("L", (count, count), bytes(0 if dark else 255 for row in modules for dark in row))
    symbol = symbol.resize((count * box, count * box), Image.NEAREST)
    image = Image.new("L", (max(size, total * box),) * 2, 255)
    offset = (image.width - count * box) // 2
    image.paste(symbol, (offset, offset))
    if logo is None:
        return image.convert("1", dither=Image.Dither.NONE)
    image = image.convert("RGB")
    pad_modules = _logo_modules(count)
    if pad_modules >= 3:
        pad = pad_modules * box
        start = offset + (count - pad_modules) // 2 * box
        ImageDraw.Draw(image).rounded_rectangle(
            (start, start, start + pad - 1, start + pad - 1), radius=max(1, box // 2), fill="white"
        )
        inner = pad - 2 * max(box, pad // 12)
        picture = _prepare_logo(logo, inner)
        image.paste(picture, (start + (pad - picture.width) // 2, start + (pad - picture.height) // 2))
    return image


def qr_png(*, data: str, options: QrOptions, logo: Image.Image | None = None) -> bytes:
    """The QR code as PNG bytes (1-bit without a logo: a few hundred bytes to a few KB)."""
    image = qr_image(data=data, size=options.size, level=options.effective_level, logo=logo if options.logo else None)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6 if image.mode == "1" else 3)
    return out.getvalue()


def qr_svg(*, data: str, options: QrOptions, logo: Image.Image | None = None) -> bytes:
    """The QR code as SVG: one path of dark modules in a viewBox measured in modules, drawn
    `options.size` pixels wide; with a logo, the logo is embedded as a PNG on a white pad."""
    level = options.effective_level
    modules = qr_matrix(data=data, level=level)
    count = len(modules)
    total = count + 2 * QUIET_ZONE
    path = []
    for y, row in enumerate(modules):
        x = 0
        while x < count:
            if row[x]:
                start = x
                while x < count and row[x]:
                    x += 1
                path.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{options.size}" height="{options.size}"'
        f' viewBox="0 0 {total} {total}" shape-rendering="crispEdges">',
        f"<title>{_xml_text(data)}</title>",
        f'<rect width="{total}" height="{total}" fill="#fff"/>',
        f'<path fill="#000" d="{"".join(path)}"/>',
    ]
    pad_modules = _logo_modules(count)
    if options.logo and logo is not None and pad_modules >= 3:
        start = QUIET_ZONE + (count - pad_modules) // 2
        picture = _prepare_logo(logo, 240)
        png = io.BytesIO()
        picture.save(png, "PNG")
        margin = max(1, pad_modules / 12)
        inner = pad_modules - 2 * margin
        width = inner * picture.width / max(picture.size)
        height = inner * picture.height / max(picture.size)
        href = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
        parts += [
            f'<rect x="{start}" y="{start}" width="{pad_modules}" height="{pad_modules}" rx="0.5" fill="#fff"/>',
            f'<image x="{start + (pad_modules - width) / 2:g}" y="{start + (pad_modules - height) / 2:g}"'
            f' width="{width:g}" height="{height:g}" href={quoteattr(href)}/>',
        ]
    parts.append("</svg>\n")
    return "".join(parts).encode()


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def image_version(image) -> str:
    """What identifies a Wagtail image's content, for ETags: its id and file hash (or file name)."""
    if image is None:
        return "-"
    return f"{image.pk}:{getattr(image, 'file_hash', '') or image.file.name}"


def image_open(source, *, max_side: int) -> Image.Image | None:
    """A stored image (a Wagtail image, or a file such as an ImageField's) decoded at about `max_side`
    pixels. None when there is none or it is unreadable: the QR code or poster is drawn without it."""
    if not source:
        return None
    try:
        opened = source.open_file() if hasattr(source, "open_file") else source.open("rb")
        with opened as handle:
            picture = Image.open(handle)
            # JPEGs decode at a reduced scale straight away: a 12-megapixel photo costs ~10 ms, not 200.
            picture.draft("RGB", (max_side * 2, max_side * 2))
            picture.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    picture = ImageOps.exif_transpose(picture)
    picture.thumbnail((max_side, max_side), Image.LANCZOS)
    return picture


def image_prepared(source, *, version: str, max_side: int) -> Image.Image | None:
    """`image_open`, decoded from the original once per version and size and then kept in the cache as
    a small PNG: a bank's logo or a staff photo is not decoded again for every QR code and poster
    (a phone photo costs tens of milliseconds to decode, its cached copy one or two)."""
    if not source:
        return None
    if not version:
        return image_open(source, max_side=max_side)
    digest = hashlib.sha256(f"{version}:{max_side}".encode()).hexdigest()[:32]
    key = f"cms:image:{RENDERER_VERSION}:{digest}"
    data = cache.get(key)
    if data is not None:
        picture = Image.open(io.BytesIO(data))
        picture.load()
        return picture
    picture = image_open(source, max_side=max_side)
    if picture is not None:
        if picture.mode not in ("RGB", "RGBA", "L", "LA"):
            picture = picture.convert("RGBA")
        out = io.BytesIO()
        picture.save(out, "PNG", compress_level=1)
        cache.set(key, out.getvalue(), CACHE_SECONDS)
    return picture


def qr_etag(*, data: str, options: QrOptions, fmt: str, logo_version: str = "-") -> str:
    """The ETag of a QR image: it changes exactly when the image would."""
    logo_part = logo_version if options.logo else "-"
    source = f"qr:{RENDERER_VERSION}:{fmt}:{options.key()}:{logo_part}:{data}"
    return hashlib.sha256(source.encode()).hexdigest()[:32]


def rendered_get(*, etag: str) -> bytes | None:
    """Bytes rendered earlier under this ETag (the cache key function keeps banks apart)."""
    return cache.get(f"cms:rendered:{etag}")


def rendered_set(*, etag: str, content: bytes, seconds: int = CACHE_SECONDS) -> None:
    cache.set(f"cms:rendered:{etag}", content, seconds)
