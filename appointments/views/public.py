"""The customer's side: `/p/book/<code>/` to book, `/p/booking/<token>/` to view, cancel, move.

Never cached (each page carries a CSRF token and personal data), and the private link's pages tell
browsers not to send the link on as a referrer."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments.forms import BookingForm, RescheduleForm, SlotChoiceForm
from appointments.ics import booking_ics
from appointments.models import Booking
from appointments.selectors import booking_for_token, branches_bookable, services_bookable, slot_options
from appointments.services import BookingStateError, SlotFull, booking_cancel, booking_create, booking_reschedule
from customers.ratelimit import rate_limit_exceeded
from customers.services import consent_current
from insights.services import visitor_for_request
from org.models import Staff

# Submissions per hour (a branch or an office may share one network address).
BOOKINGS_PER_VISITOR_HOUR = 10
BOOKINGS_PER_NETWORK_HOUR = 30


def rate_limited(request, *, action: str) -> bool:
    return rate_limit_exceeded(
        request=request,
        action=f"appt:{action}",
        per_visitor=BOOKINGS_PER_VISITOR_HOUR,
        per_network=BOOKINGS_PER_NETWORK_HOUR,
    )


def _page_staff(code: str) -> Staff:
    staff = Staff.objects.select_related("branch").filter(code=code.lower()[:16]).first()
    if staff is None:
        raise Http404
    return staff


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _too_many(request) -> HttpResponse:
    return render(request, "appointments/rate_limited.html", status=429)


def _slot_context(*, branch, service, day: date | None) -> dict:
    options = slot_options(branch=branch, service=service)
    days = list(options)
    if day not in options:
        day = days[0] if days else None
    return {"branch": branch, "service": service, "days": days, "day": day, "slots": options.get(day, [])}


def _choice(data, *, page_staff: Staff) -> dict | None:
    """Branch, service and day from the query (or a submitted form), defaulting to the manager's
    branch and the first service; None if the bank takes no appointments."""
    branches, services = branches_bookable(), services_bookable()
    form = SlotChoiceForm(data)
    form.is_valid()
    branch = form.cleaned_data.get("branch")
    if branch is None:
        branch = branches.filter(pk=page_staff.branch_id).first() or branches.first()
    service = form.cleaned_data.get("service") or services.first()
    if branch is None or service is None:
        return None
    return {
        "branches": branches,
        "services": services,
        **_slot_context(branch=branch, service=service, day=form.cleaned_data.get("day") or _day_of(data)),
    }


def _day_of(data) -> date | None:
    """The day of a submitted slot, so a form shown again shows the time the customer chose."""
    try:
        return date.fromisoformat(str(data.get("start", ""))[:10])
    except ValueError:
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def book(request, code: str):
    """Choose branch, service, day and time, then leave name and mobile."""
    page_staff = _page_staff(code)
    consent = consent_current()
    if consent is None:
        raise Http404
    form, status, problem = BookingForm(initial={"consent_version": consent.version}), 200, ""
    data = request.GET
    if request.method == "POST":
        if rate_limited(request, action="book"):
            return _too_many(request)
        form, data = BookingForm(request.POST), request.POST
        if form.is_robot:
            status, problem = 400, _("Your request could not be accepted.")
        elif form.is_valid():
            values = form.cleaned_data
            try:
                booking = booking_create(
                    branch=values["branch"],
                    service=values["service"],
                    start=values["start"],
                    name=values["name"],
                    mobile=values["mobile"],
                    consent=values["consent"],
                    consent_statement=values["consent_version"],
                    visitor=visitor_for_request(request),
                    page_staff=page_staff,
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            except SlotFull:
                status, problem = 409, _("Sorry, this time has just been fully booked. Please choose another time.")
            else:
                return redirect("appointments_public:booking", token=booking.token)
        else:
            status = 400
    choice = _choice(data, page_staff=page_staff)
    template = "appointments/book.html"
    if request.htmx and request.method == "GET":
        template += "#slots"
    context = {
        "page_staff": page_staff,
        "page_code": page_staff.code,
        "form": form,
        "choice": choice,
        "problem": problem,
        "consent": consent,
    }
    return render(request, template, context, status=status)


def _booking_or_404(token: str) -> Booking:
    booking = booking_for_token(token=token)
    if booking is None:
        raise Http404
    return booking


@never_cache
@require_GET
def booking_detail(request, token: str):
    booking = _booking_or_404(token)
    return _private(render(request, "appointments/booking.html", {"booking": booking}))


@never_cache
@require_POST
def booking_cancel_view(request, token: str):
    booking = _booking_or_404(token)
    if rate_limited(request, action="change"):
        return _too_many(request)
    try:
        booking_cancel(booking=booking)
    except BookingStateError as error:
        return _private(
            render(request, "appointments/booking.html", {"booking": booking, "problem": str(error)}, status=409)
        )
    return redirect("appointments_public:booking", token=booking.token)


@never_cache
@require_http_methods(["GET", "POST"])
def booking_reschedule_view(request, token: str):
    booking = _booking_or_404(token)
    form, status, problem = RescheduleForm(), 200, ""
    if not booking.is_active:
        status, problem = 409, _("This appointment can no longer be changed.")
    elif request.method == "POST":
        if rate_limited(request, action="change"):
            return _too_many(request)
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                booking_reschedule(booking=booking, start=form.cleaned_data["start"])
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            except SlotFull:
                status, problem = 409, _("Sorry, this time has just been fully booked. Please choose another time.")
            except BookingStateError as error:
                status, problem = 409, str(error)
            else:
                return redirect("appointments_public:booking", token=booking.token)
        else:
            status = 400
    day_form = SlotChoiceForm(request.GET)
    day_form.is_valid()
    choice = _slot_context(branch=booking.branch, service=booking.service, day=day_form.cleaned_data.get("day"))
    template = "appointments/reschedule.html"
    if request.htmx and request.method == "GET":
        template += "#slots"
    context = {"booking": booking, "form": form, "choice": choice, "problem": problem}
    return _private(render(request, template, context, status=status))


@never_cache
@require_GET
def booking_calendar(request, token: str):
    booking = _booking_or_404(token)
    response = HttpResponse(
        booking_ics(booking=booking, host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.code}.ics"'
    return _private(response)
