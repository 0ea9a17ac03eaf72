from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insights import access
from insights.forms import CustomerFilterForm, ReassignForm
from insights.identity import visitor_cookie_set
from insights.models import Event
from insights.selectors import customer_list, customer_timeline, referral_chain, referral_tree
from insights.services import event_record, hit_record, visitor_for_request, visitor_reassign
from org.access import staff_visible
from org.decorators import workspace_view
from org.models import Staff


def _page_staff(code: str) -> Staff:
    staff = Staff.objects.select_related("branch").filter(code=code.lower()).first()
    if staff is None:
        raise Http404
    return staff


def _cross_site(request) -> bool:
    """Tracking takes no CSRF token (the page is cached for everyone), so it refuses requests
    another site's page makes: browsers always send Origin on a cross-site POST."""
    origin = request.headers.get("Origin")
    return bool(origin) and urlsplit(origin).netloc != request.get_host()


def track(request, code: str) -> HttpResponse:
    """`POST /s/<code>/t`: the request a storefront page makes once loaded (the page itself stays a
    cache hit). Records the view durably in the inbox; `insights.ingest` works out the scan, the
    page view and attribution from it.

    Answered by `insights.middleware.TrackMiddleware` ahead of sessions, auth and CSRF: it needs
    none of them (the cookie is signed, cross-site requests are refused here)."""
    if _cross_site(request):
        return HttpResponseForbidden()
    hit = hit_record(
        request=request,
        code=code,
        # In the query string (no body to parse); a form body is accepted too.
        entry=(request.GET.get("e") or request.POST.get("e")) == "1",
        referral_code=request.GET.get("r") or request.POST.get("r", ""),
    )
    if hit.is_bot:
        response = JsonResponse({})
    else:
        response = JsonResponse({"share": request.build_absolute_uri(f"/s/{code.lower()}?r={hit.share_code}")})
        if hit.is_new:
            visitor_cookie_set(response, hit.token, hit.share_code, secure=request.is_secure())
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def track_share(request, code: str):
    """`POST /s/<code>/t/share`: the visitor shared the page (their link carries ?r=)."""
    if _cross_site(request):
        return HttpResponseForbidden()
    page_staff = _page_staff(code)
    visitor = visitor_for_request(request)
    if visitor is None:
        return HttpResponse(status=204)
    event_record(
        kind=Event.Kind.SHARE, visitor=visitor, page_staff=page_staff, data={"via": request.POST.get("via", "")[:20]}
    )
    return HttpResponse(status=204)


@require_GET
@workspace_view
def customers(request):
    form = CustomerFilterForm(request.GET)
    source = form.cleaned_data["source"] if form.is_valid() else ""
    page = Paginator(customer_list(viewer=request.staff, source=source), 30).get_page(request.GET.get("page"))
    template = "insights/customers.html"
    if request.htmx:
        template += "#results"
    context = {"form": form, "page": page, "source": source, "pager_query": f"source={source}&"}
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@workspace_view
def customer_detail(request, visitor_id: int):
    visitor = access.access_visitor(viewer=request.staff, visitor_id=visitor_id)
    can_reassign = access.can_reassign_customers(viewer=request.staff)
    form = None
    if can_reassign:
        form = ReassignForm(request.POST or None, visible_staff=staff_visible(viewer=request.staff))
        if request.method == "POST" and form.is_valid():
            visitor_reassign(visitor=visitor, to_staff=form.cleaned_data["employee_no"], actor=request.staff)
            messages.success(request, _("The customer now belongs to %(name)s.") % {"name": visitor.owner.name})
            return redirect("insights:customer", visitor_id=visitor.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "visitor": visitor,
        "timeline": customer_timeline(visitor=visitor),
        "tree": referral_tree(root=visitor),
        "chain": referral_chain(visitor=visitor),
        "form": form,
    }
    return render(request, "insights/customer_detail.html", context, status=400 if form and form.errors else 200)
