from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from campaigns.selectors import seconds_until_campaigns_change
from cms.models import Article, BillPaymentService, BrandSettings, Product
from storefront import cache as page_cache
from storefront.selectors import seconds_until_catalog_changes, staff_for_code, storefront_public
from storefront.tracking import outbound_click_record


def _share_image_url(request, staff) -> str:
    """What chat apps show beside a pasted link: the manager's photo, else the bank's logo."""
    if staff.photo:
        return request.build_absolute_uri(staff.photo.url)
    logo = BrandSettings.load(request_or_site=request).logo
    if logo is None:
        return ""
    return request.build_absolute_uri(logo.get_rendition("fill-300x300|format-png").url)


def page_response(request, content: bytes, compressed: bytes) -> HttpResponse:
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


@require_GET
def storefront_page(request, code: str):
    """`/s/<code>`: the staff member's published page (served from cache when nothing changed)."""
    language = get_language()
    cached = page_cache.page_get(code, language)
    if cached is not None:
        return page_response(request, *cached)
    version = page_cache.content_version()
    staff = staff_for_code(code=code)
    if staff is None:
        raise Http404
    storefront, template = storefront_public(staff=staff)
    og_image = _share_image_url(request, staff)
    context = {
        "page_staff": staff,
        "page_code": staff.code,
        # The canonical URL, never the request's: one cached copy serves everyone, and a query
        # (e.g. a visitor's `?r=` share token) must not be handed on to every later visitor.
        "page_url": request.build_absolute_uri(reverse("storefront:page", args=[staff.code])),
        "body": storefront.body if storefront else [],
        "locked_top": template.locked_top if template else [],
        "locked_bottom": template.locked_bottom if template else [],
        "og_description": f"{staff.title or staff.get_role_display()} · {staff.branch.name}",
        "og_image": og_image,
        # A page with no blocks of its own still shows who the customer is talking to.
        "fallback_card": {"show_wechat": True, "show_address": True},
    }
    content = render_to_string("storefront/page.html", context, request=request).encode()
    # Expire when a product goes on or off sale, or a campaign starts or ends.
    moments = [s for s in (seconds_until_catalog_changes(), seconds_until_campaigns_change()) if s]
    seconds = min(moments) if moments else page_cache.MAX_SECONDS
    return page_response(request, *page_cache.page_set(code, language, version, content, seconds))


@require_GET
def outbound(request, code: str, kind: str, item_id: int):
    """The tracked way out to a product's or bill's URL. Only URLs from the bank's own catalog are
    ever redirected to (never one from the request), so this is no open redirect."""
    staff = staff_for_code(code=code)
    if staff is None:
        raise Http404
    if kind == "product":
        item = Product.objects.on_sale().filter(pk=item_id).exclude(link_url="").first()
        url = item.link_url if item else None
    elif kind == "bill":
        item = BillPaymentService.objects.filter(live=True, pk=item_id).first()
        url = item.payment_url if item else None
    else:
        raise Http404
    if url is None:
        raise Http404
    outbound_click_record(request=request, staff=staff, kind=kind, item=item)
    return HttpResponseRedirect(url)


@require_GET
def article(request, code: str, article_id: int):
    staff = staff_for_code(code=code)
    if staff is None:
        raise Http404
    item = get_object_or_404(Article.objects.filter(live=True), pk=article_id)
    return render(request, "cms/article.html", {"object": item, "page_code": staff.code, "page_staff": staff})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
