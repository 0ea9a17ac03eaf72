"""Staff's side: `/workspace/appointments/`, the upcoming visits in the viewer's scope."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from appointments.access import access_booking
from appointments.forms import BookingListForm, BookingStatusForm
from appointments.selectors import booking_list
from appointments.services import BookingStateError, booking_reveal, booking_status_set
from org.decorators import workspace_view


@require_GET
@workspace_view
def booking_list_view(request):
    form = BookingListForm(request.GET)
    when = (form.cleaned_data["when"] if form.is_valid() else "") or "upcoming"
    page = Paginator(booking_list(viewer=request.staff, when=when), 30).get_page(request.GET.get("page"))
    template = "appointments/workspace_list.html"
    if request.htmx:
        template += "#results"
    context = {"form": form, "page": page, "when": when, "pager_query": f"when={when}&"}
    return render(request, template, context)


@require_POST
@workspace_view
def booking_status_view(request, booking_id: int):
    """Confirm, done, no-show: answers htmx with the booking's row, a plain form with the list."""
    booking = access_booking(viewer=request.staff, booking_id=booking_id)
    form = BookingStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    problem, status = "", 200
    try:
        booking = booking_status_set(booking=booking, action=form.cleaned_data["action"], actor=request.staff)
    except BookingStateError as error:
        problem, status = str(error), 409
    if request.htmx:
        # The row itself shows the problem: htmx does not swap in error answers (workspace_base).
        return render(request, "appointments/workspace_list.html#row", {"booking": booking, "problem": problem})
    if problem:
        messages.error(request, problem)
        page = Paginator(booking_list(viewer=request.staff), 30).get_page(1)
        context = {"form": BookingListForm(), "page": page, "when": "upcoming", "pager_query": "when=upcoming&"}
        return render(request, "appointments/workspace_list.html", context, status=status)
    return redirect("appointments:list")


@require_POST
@workspace_view
def booking_reveal_view(request, booking_id: int):
    """Show the customer's name and a `tel:` link (audited); htmx gets the row, a plain form the list."""
    booking = access_booking(viewer=request.staff, booking_id=booking_id)
    name, mobile = booking_reveal(booking=booking, viewer=request.staff)
    context = {"booking": booking, "revealed": {"pk": booking.pk, "name": name, "mobile": mobile}}
    if request.htmx:
        return render(request, "appointments/workspace_list.html#row", context)
    page = Paginator(booking_list(viewer=request.staff), 30).get_page(1)
    context.update(form=BookingListForm(), page=page, when="upcoming", pager_query="when=upcoming&")
    response = render(request, "appointments/workspace_list.html", context)
    response["Cache-Control"] = "no-store"
    return response
