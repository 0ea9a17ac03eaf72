"""HTTP answers for rendered images (QR codes, posters), shared by every app that hands out links."""

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

from cms.qr import CACHE_SECONDS


def image_response(request, *, content: bytes, etag: str, content_type: str, max_age: int = CACHE_SECONDS):
    """The image with its ETag and a public, `max_age`-second Cache-Control; a 304 without a body when
    the client's `If-None-Match` already names this ETag."""
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = f'"{etag}"'
    patch_cache_control(response, public=True, max_age=max_age)
    if content_type.startswith("image/svg"):
        # An SVG opened on its own is a document: it may show its embedded logo and nothing else.
        response["Content-Security-Policy"] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return get_conditional_response(request, etag=response["ETag"], response=response)
