"""A staff member's QR code and share poster: the public images under `/s/<code>/` (printed posters
link to them for years, see DESIGN "Stable public URLs") and the workspace page where staff download
them. Drawing and caching live in `cms` (cms/qr.py, cms/posters.py); these views pick what to draw.

The QR code encodes the staff member's absolute page URL built from the request, so each bank's
codes point at its own host. A departed staff member's code keeps working: it is the URL printed on
their posters, and their page names who took over.
"""

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from cms.forms import PosterOptionsForm, QrOptionsForm, form_errors_text
from cms.http import image_response
from cms.models import BrandSettings, PosterSettings, PosterTemplate
from cms.posters import PosterBrand, PosterPerson, poster_etag, poster_png
from cms.qr import LOGO_SIDE, image_prepared, image_version, qr_etag, qr_png, qr_svg, rendered_get, rendered_set
from org.decorators import workspace_view
from org.models import Staff
from storefront.selectors import staff_for_code

CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def page_url(request, code: str) -> str:
    """The absolute link a QR code carries: `http(s)://<bank host>/s/<code>`."""
    return request.build_absolute_uri(reverse("storefront:page", args=[code.lower()]))


def _bad_request(form) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(form_errors_text(form), content_type="text/plain; charset=utf-8")


@require_safe
def qr_code(request, code: str, fmt: str):
    """`/s/<code>/qr.png` and `/s/<code>/qr.svg` (`fmt`), with `?size=`, `?level=`, `?logo=1`.

    A cache hit needs no query at all without a logo (the ETag depends only on the URL and options),
    and one with a logo (the brand's logo version). Only a miss looks the code up, so an unknown code
    is a 404 and is never cached.
    """
    form = QrOptionsForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    options = form.options()
    url = page_url(request, code)
    logo = BrandSettings.load(request_or_site=request).logo if options.logo else None
    etag = qr_etag(data=url, options=options, fmt=fmt, logo_version=image_version(logo))
    content = rendered_get(etag=etag)
    if content is None:
        if staff_for_code(code=code) is None:
            raise Http404
        picture = image_prepared(logo, version=image_version(logo), max_side=LOGO_SIDE)
        draw = qr_png if fmt == "png" else qr_svg
        content = draw(data=url, options=options, logo=picture)
        rendered_set(etag=etag, content=content)
    return image_response(request, content=content, etag=etag, content_type=CONTENT_TYPES[fmt])


def poster_person(staff: Staff) -> PosterPerson:
    """Who a staff member's poster introduces: themselves; once they have left, their successor (the
    page says so too); with no successor, their branch."""
    if staff.has_left:
        if staff.successor is None:
            branch = staff.branch
            return PosterPerson(name=branch.name, title=branch.address, branch=branch.phone)
        staff = staff.successor
    return PosterPerson(
        name=staff.name,
        title=staff.title or staff.get_role_display(),
        branch=staff.branch.name,
        licence_no=staff.licence_no,
        photo=staff.photo or None,
        photo_version=staff.photo.name or "",
    )


@require_safe
def poster(request, code: str):
    """`/s/<code>/poster.png` with `?template=` (one of the bank's enabled poster templates)."""
    staff = staff_for_code(code=code)
    if staff is None:
        raise Http404
    form = PosterOptionsForm(request.GET, templates=PosterSettings.load(request_or_site=request).templates)
    if not form.is_valid():
        return _bad_request(form)
    template = form.cleaned_data["template"]
    brand = PosterBrand.from_settings(BrandSettings.load(request_or_site=request), bank_name=request.tenant.name)
    person = poster_person(staff)
    url = page_url(request, staff.code)
    etag = poster_etag(url=url, template=template, brand=brand, person=person)
    content = rendered_get(etag=etag)
    if content is None:
        content = poster_png(url=url, template=template, brand=brand, person=person)
        rendered_set(etag=etag, content=content)
    return image_response(request, content=content, etag=etag, content_type="image/png")


@require_GET
@workspace_view
def share(request):
    """`/workspace/page/share/`: the staff member's own link, QR code and poster, to preview and
    download; the poster template is picked here (htmx swaps just the poster)."""
    staff = request.staff
    templates = PosterSettings.load(request_or_site=request).templates
    form = PosterOptionsForm(request.GET, templates=templates)
    template = form.cleaned_data["template"] if form.is_valid() else templates[0]
    labels = dict(PosterTemplate.choices)
    context = {
        "code": staff.code,
        "page_url": page_url(request, staff.code),
        "qr_png": reverse("storefront:qr_png", args=[staff.code]),
        "qr_svg": reverse("storefront:qr_svg", args=[staff.code]),
        "poster_url": reverse("storefront:poster", args=[staff.code]),
        "templates": [(name, labels[name]) for name in templates],
        "template": template,
        "has_logo": BrandSettings.load(request_or_site=request).logo_id is not None,
        "title": _("Share my page"),
    }
    template_name = "storefront/share.html"
    if request.htmx:
        template_name += "#poster"
    return render(request, template_name, context)
