from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import access, selectors, services
from customers.exports import FORMATS, lead_export
from customers.forms import (
    LeadFilterForm,
    LeadFollowUpForm,
    LeadForm,
    LeadNoteForm,
    LeadStatusForm,
    MessageFilterForm,
    MessageForm,
    MessageReplyForm,
)
from customers.ratelimit import rate_limit_exceeded
from insights.services import staff_in_charge, visitor_for_request
from org.decorators import workspace_view
from org.models import Staff

# --- The customer's side (/p/lead/<code>/): never cached, with CSRF -------------------------------


def _page_staff(code: str) -> Staff:
    staff = Staff.objects.select_related("branch").filter(code=code.lower()[:16]).first()
    if staff is None or staff_in_charge(staff).has_left:
        raise Http404
    return staff


@never_cache
@require_http_methods(["GET", "POST"])
def lead_page(request, code: str):
    """The lead form of a manager's storefront; `?product=<id>` preselects a product on sale."""
    page_staff = _page_staff(code)
    consent = services.consent_current()
    if consent is None:
        raise Http404
    if request.method == "POST":
        if rate_limit_exceeded(request=request, action="lead"):
            response = render(request, "customers/public/too_many.html", {"page_staff": page_staff}, status=429)
            response["Retry-After"] = "3600"
            return response
        form = LeadForm(request.POST)
        if form.is_robot:
            # Robots get the same answer as people and nothing is stored.
            return redirect("customers_public:lead_thanks", code=page_staff.code)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.lead_submit(
                    page_staff=page_staff,
                    name=data["name"],
                    mobile=data["mobile"],
                    consent=data["consent_version"],
                    product=data["product"],
                    note=data["note"],
                    visitor=visitor_for_request(request),
                    lead_url_for=lambda lead: request.build_absolute_uri(reverse("customers:lead", args=[lead.pk])),
                )
            except services.LeadError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("customers_public:lead_thanks", code=page_staff.code)
        status = 400
    else:
        product_id = _int(request.GET.get("product"))
        if product_id and not selectors.products_for_leads().filter(pk=product_id).exists():
            product_id = None
        form = LeadForm(initial={"product": product_id, "consent_version": consent.version})
        status = 200
    context = {"form": form, "consent": consent, "page_staff": staff_in_charge(page_staff), "code": page_staff.code}
    return render(request, "customers/public/lead.html", context, status=status)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@never_cache
@require_GET
def lead_thanks(request, code: str):
    page_staff = _page_staff(code)
    return render(request, "customers/public/thanks.html", {"page_staff": staff_in_charge(page_staff), "code": code})


# --- The workspace: the lead inbox ----------------------------------------------------------------


@require_GET
@workspace_view
def leads(request):
    form = LeadFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.lead_list(viewer=request.staff, **filters), 30).get_page(request.GET.get("page"))
    query = f"status={filters['status']}&product={filters['product'].pk if filters['product'] else ''}&"
    context = {
        "form": form,
        "page": page,
        "query": query,
        "due": selectors.lead_follow_ups_due(viewer=request.staff, today=timezone.localdate())[:20],
        "unread": selectors.notifications_unread_count(staff=request.staff),
        "today": timezone.localdate(),
    }
    template = "customers/leads.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_POST
@workspace_view
def notifications_read(request):
    services.notifications_mark_read(staff=request.staff)
    return redirect("customers:leads")


def _detail(request, lead, *, status=200, revealed=None, **forms):
    context = {
        "lead": lead,
        "notes": selectors.lead_notes(lead=lead),
        "status_form": forms.get("status_form") or LeadStatusForm(lead=lead),
        "note_form": forms.get("note_form") or LeadNoteForm(),
        "follow_up_form": forms.get("follow_up_form") or LeadFollowUpForm(initial={"follow_up_on": lead.follow_up_on}),
        "revealed": revealed,
        "today": timezone.localdate(),
    }
    return render(request, "customers/lead_detail.html", context, status=status)


@require_GET
@workspace_view
def lead_detail(request, lead_id: int):
    lead = access.access_lead(viewer=request.staff, lead_id=lead_id)
    services.notifications_mark_read(staff=request.staff, lead=lead)
    return _detail(request, lead)


@require_POST
@workspace_view
def lead_reveal(request, lead_id: int):
    lead = access.access_lead(viewer=request.staff, lead_id=lead_id)
    name, mobile = services.lead_reveal(lead=lead, viewer=request.staff)
    revealed = {"name": name, "mobile": mobile}
    if request.htmx:
        return render(request, "customers/lead_detail.html#identity", {"lead": lead, "revealed": revealed})
    return _detail(request, lead, revealed=revealed)


@require_POST
@workspace_view
def lead_status(request, lead_id: int):
    lead = access.access_lead(viewer=request.staff, lead_id=lead_id)
    form = LeadStatusForm(request.POST, lead=lead)
    if form.is_valid():
        try:
            services.lead_status_change(
                lead=lead,
                status=form.cleaned_data["status"],
                actor=request.staff,
                amount=form.cleaned_data["amount"],
                product=form.cleaned_data["product"],
            )
        except services.LeadError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Status updated."))
            return redirect("customers:lead", lead_id=lead.pk)
    return _detail(request, lead, status=400, status_form=form)


@require_POST
@workspace_view
def lead_note(request, lead_id: int):
    lead = access.access_lead(viewer=request.staff, lead_id=lead_id)
    form = LeadNoteForm(request.POST)
    if form.is_valid():
        try:
            services.lead_note_add(lead=lead, author=request.staff, text=form.cleaned_data["text"])
        except services.LeadError as exc:
            form.add_error("text", str(exc))
        else:
            return redirect("customers:lead", lead_id=lead.pk)
    return _detail(request, lead, status=400, note_form=form)


@require_POST
@workspace_view
def lead_follow_up(request, lead_id: int):
    lead = access.access_lead(viewer=request.staff, lead_id=lead_id)
    form = LeadFollowUpForm(request.POST)
    if form.is_valid():
        services.lead_follow_up_set(lead=lead, on=form.cleaned_data["follow_up_on"])
        messages.success(request, _("Follow-up date saved."))
        return redirect("customers:lead", lead_id=lead.pk)
    return _detail(request, lead, status=400, follow_up_form=form)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@workspace_view
def leads_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    filters = LeadFilterForm(request.GET).filters()
    leads = selectors.lead_list(viewer=request.staff, **filters)
    content, _masked = lead_export(
        viewer=request.staff,
        leads=leads,
        fmt=fmt,
        filters={"status": filters["status"], "product": filters["product"].pk if filters["product"] else None},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="leads-{timezone.localdate():%Y%m%d}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Messages: the customer's side (/p/message/<code>/, /p/message/t/<token>/) -----------------------


def _message_rate_limited(request, page_staff: Staff):
    if not rate_limit_exceeded(
        request=request,
        action="message",
        per_visitor=settings.MESSAGE_POSTS_PER_VISITOR_HOUR,
        per_network=settings.MESSAGE_POSTS_PER_NETWORK_HOUR,
    ):
        return None
    response = render(request, "customers/public/too_many.html", {"page_staff": page_staff}, status=429)
    response["Retry-After"] = "3600"
    return response


def _private(response):
    # The thread's address is its only key: keep it out of Referer headers and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def message_page(request, code: str):
    """The message board of a manager's storefront: write a new message, and (when the visitor
    cookie identifies the customer) find their earlier conversations."""
    page_staff = _page_staff(code)
    visitor = visitor_for_request(request)
    status = 200
    if request.method == "POST":
        if limited := _message_rate_limited(request, staff_in_charge(page_staff)):
            return limited
        form = MessageForm(request.POST)
        if form.is_robot:
            return redirect("customers_public:message", code=page_staff.code)
        if form.is_valid():
            try:
                message = services.message_post(page_staff=page_staff, text=form.cleaned_data["text"], visitor=visitor)
            except services.MessageError as exc:
                form.add_error("text", str(exc))
            else:
                url = reverse("customers_public:message_thread", args=[message.thread.token])
                return redirect(f"{url}?sent=1")
        status = 400
    else:
        form = MessageForm()
    context = {
        "form": form,
        "page_staff": staff_in_charge(page_staff),
        "code": page_staff.code,
        "threads": selectors.threads_of_visitor(visitor=visitor),
    }
    return _private(render(request, "customers/public/message.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def message_thread_public(request, token: str):
    """The customer's private page of one conversation: their messages, the manager's replies, and
    a box to write again."""
    thread = selectors.thread_for_token(token=token)
    if thread is None:
        raise Http404
    page_staff = staff_in_charge(thread.staff)
    status = 200
    if request.method == "POST":
        if limited := _message_rate_limited(request, page_staff):
            return limited
        form = MessageForm(request.POST)
        if form.is_robot:
            return redirect("customers_public:message_thread", token=thread.token)
        if form.is_valid():
            try:
                services.message_post(
                    page_staff=thread.page_staff or thread.staff,
                    text=form.cleaned_data["text"],
                    visitor=visitor_for_request(request),
                    thread=thread,
                )
            except services.MessageError as exc:
                form.add_error("text", str(exc))
            else:
                return redirect("customers_public:message_thread", token=thread.token)
        status = 400
    else:
        form = MessageForm()
    context = {
        "form": form,
        "thread": thread,
        "thread_messages": selectors.thread_messages(thread=thread),
        "page_staff": page_staff,
        "code": page_staff.code,
        "sent": request.GET.get("sent") == "1",
        "private_url": request.build_absolute_uri(reverse("customers_public:message_thread", args=[thread.token])),
    }
    return _private(render(request, "customers/public/message_thread.html", context, status=status))


# --- Messages: the workspace -------------------------------------------------------------------------


@require_GET
@workspace_view
def message_threads(request):
    form = MessageFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.thread_list(viewer=request.staff, **filters), 30).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": "awaiting=on&" if filters["awaiting"] else "",
        "unread": selectors.message_notifications_unread_count(staff=request.staff),
    }
    template = "customers/messages.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_POST
@workspace_view
def message_notifications_read(request):
    services.notifications_mark_read(staff=request.staff, messages=True)
    return redirect("customers:messages")


def _thread_detail(request, thread, *, form=None, status=200):
    context = {
        "thread": thread,
        "thread_messages": selectors.thread_messages(thread=thread),
        "form": form or MessageReplyForm(),
    }
    template = "customers/message_thread.html"
    if request.htmx:
        template += "#conversation"
    return render(request, template, context, status=status)


@require_GET
@workspace_view
def message_thread(request, thread_id: int):
    thread = access.access_thread(viewer=request.staff, thread_id=thread_id)
    services.notifications_mark_read(staff=request.staff, thread=thread)
    return _thread_detail(request, thread)


@require_POST
@workspace_view
def message_reply(request, thread_id: int):
    thread = access.access_thread(viewer=request.staff, thread_id=thread_id)
    form = MessageReplyForm(request.POST)
    if form.is_valid():
        try:
            services.message_reply(thread=thread, author=request.staff, text=form.cleaned_data["text"])
        except services.MessageError as exc:
            form.add_error("text", str(exc))
        else:
            if request.htmx:
                return _thread_detail(request, thread)
            messages.success(request, _("Reply sent."))
            return redirect("customers:message", thread_id=thread.pk)
    return _thread_detail(request, thread, form=form, status=400)
