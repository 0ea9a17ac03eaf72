from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insights import access
from insights.forms import CustomerTagFilterForm, ReassignForm, TagForm, TagRuleForm, VisitorTagForm
from insights.identity import visitor_cookie_set
from insights.models import Event, Tag
from insights.selectors import (
    customer_list,
    customer_tags,
    customer_timeline,
    referral_chain,
    referral_tree,
    tag_list,
)
from insights.services import event_record, hit_record, visitor_for_request, visitor_reassign
from insights.tags import (
    tag_create,
    tag_delete,
    tag_rule_create,
    tag_rule_delete,
    visitor_tag_add,
    visitor_tag_remove,
)
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
    form = CustomerTagFilterForm(request.GET, tags=access.tags_usable(viewer=request.staff))
    source, tag = (form.cleaned_data["source"], form.cleaned_data["tag"]) if form.is_valid() else ("", None)
    customers = customer_list(viewer=request.staff, source=source, tag=tag)
    page = Paginator(customers, 30).get_page(request.GET.get("page"))
    template = "insights/customers.html"
    if request.htmx:
        template += "#results"
    query = urlencode({"source": source, "tag": tag.pk if tag else ""})
    context = {"form": form, "page": page, "source": source, "pager_query": f"{query}&"}
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
        **_tags_context(visitor=visitor, viewer=request.staff),
    }
    return render(request, "insights/customer_detail.html", context, status=400 if form and form.errors else 200)


def _tags_context(*, visitor, viewer) -> dict:
    tags = customer_tags(visitor=visitor, viewer=viewer)
    addable = access.tags_usable(viewer=viewer).exclude(pk__in=[t.tag_id for t in tags])
    return {"visitor": visitor, "tags": tags, "tags_addable": addable}


def _tags_answer(request, visitor) -> HttpResponse:
    """The profile's tags section for htmx, the whole profile otherwise."""
    if not request.htmx:
        return redirect("insights:customer", visitor_id=visitor.pk)
    context = _tags_context(visitor=visitor, viewer=request.staff)
    return render(request, "insights/customer_detail.html#tags", context)


@require_POST
@workspace_view
def customer_tag_add(request, visitor_id: int):
    visitor = access.access_visitor(viewer=request.staff, visitor_id=visitor_id)
    form = VisitorTagForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a tag."))
    tag = access.access_tag(viewer=request.staff, tag_id=form.cleaned_data["tag"])
    visitor_tag_add(visitor=visitor, tag=tag, actor=request.staff)
    return _tags_answer(request, visitor)


@require_POST
@workspace_view
def customer_tag_remove(request, visitor_id: int, tag_id: int):
    visitor = access.access_visitor(viewer=request.staff, visitor_id=visitor_id)
    tag = access.access_tag(viewer=request.staff, tag_id=tag_id)
    visitor_tag_remove(visitor=visitor, tag=tag)
    return _tags_answer(request, visitor)


@require_http_methods(["GET", "POST"])
@workspace_view
def my_tags(request):
    """The viewer's own tags and the rules that give them to their customers; bank-wide tags and
    rules are listed read-only (head office edits them in /cms/)."""
    own_tags = Tag.objects.filter(owner=request.staff)
    action = request.POST.get("action") if request.method == "POST" else None
    # The instance carries its owner, so the form's uniqueness check compares with the right tags.
    tag_form = TagForm(request.POST if action == "tag" else None, instance=Tag(owner=request.staff))
    rule_form = TagRuleForm(request.POST if action == "rule" else None, own_tags=own_tags)
    if action == "tag" and tag_form.is_valid():
        try:
            tag_create(**tag_form.cleaned_data, owner=request.staff, created_by=request.staff)
        except ValidationError as error:
            tag_form.add_error(None, error)
        else:
            messages.success(request, _("Tag created."))
            return redirect("insights:tags")
    if action == "rule" and rule_form.is_valid():
        try:
            tag_rule_create(**rule_form.cleaned_data, owner=request.staff, created_by=request.staff)
        except ValidationError as error:
            rule_form.add_error(None, error)
        else:
            messages.success(request, _("Rule saved and applied to your customers."))
            return redirect("insights:tags")
    context = {"tags": tag_list(viewer=request.staff), "tag_form": tag_form, "rule_form": rule_form}
    invalid = tag_form.errors or rule_form.errors
    return render(request, "insights/tags.html", context, status=400 if invalid else 200)


@require_POST
@workspace_view
def my_tag_delete(request, tag_id: int):
    tag = access.access_tag(viewer=request.staff, tag_id=tag_id)
    if tag.owner_id != request.staff.pk:
        raise Http404
    tag_delete(tag=tag)
    messages.success(request, _("Tag deleted."))
    return redirect("insights:tags")


@require_POST
@workspace_view
def my_tag_rule_delete(request, rule_id: int):
    tag_rule_delete(rule=access.access_own_tag_rule(viewer=request.staff, rule_id=rule_id))
    messages.success(request, _("Rule deleted."))
    return redirect("insights:tags")
