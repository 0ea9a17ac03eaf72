import csv

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org import access
from org.decorators import workspace_view
from org.forms import DepartureForm, ImportUploadForm, ProfileForm, StaffSearchForm
from org.models import ImportJob
from org.selectors import import_job_list, staff_awaiting_password, staff_list
from org.services.import_jobs import import_job_create
from org.services.org_template import org_template_xlsx
from org.services.staff import (
    one_time_password_issue,
    one_time_passwords_issue,
    password_changed,
    staff_leave,
    staff_profile_update,
)
from org.workspace import home_panels


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
@workspace_view
def password_change(request):
    """Choose a new password. After a one-time password (forced) the old one is not asked for;
    a voluntary change asks for the current password, so a borrowed session cannot take over."""
    form_class = SetPasswordForm if request.staff.must_change_password else PasswordChangeForm
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        password_changed(staff=request.staff)
        messages.success(request, _("Your password has been changed."))
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "org:workspace"
        return redirect(next_url)
    return render(request, "org/password_change.html", {"form": form})


@require_GET
@workspace_view
def workspace(request):
    link = request.build_absolute_uri(f"/s/{request.staff.code}")
    return render(request, "org/workspace.html", {"link": link, "panels": home_panels(request)})


@require_http_methods(["GET", "POST"])
@workspace_view
def profile(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.staff)
    if request.method == "POST" and form.is_valid():
        staff_profile_update(staff=request.staff, form=form)
        messages.success(request, _("Your card has been updated."))
        return redirect("org:profile")
    link = request.build_absolute_uri(f"/s/{request.staff.code}")
    return render(request, "org/profile.html", {"form": form, "link": link})


@require_GET
@workspace_view
def staff_list_view(request):
    if not access.can_manage_staff(viewer=request.staff):
        raise PermissionDenied
    form = StaffSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(staff_list(viewer=request.staff, query=query), 50).get_page(request.GET.get("page"))
    template = "org/staff_list.html"
    if request.htmx:
        template += "#results"
    awaiting = staff_awaiting_password(viewer=request.staff).count()
    context = {
        "form": form,
        "page": page,
        "query": query,
        "awaiting": awaiting,
        "pager_query": f"{urlencode({'q': query})}&",
    }
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@workspace_view
def staff_detail(request, staff_id: int):
    if not access.can_manage_staff(viewer=request.staff):
        raise PermissionDenied
    member = access.access_staff(viewer=request.staff, staff_id=staff_id)
    visible = access.staff_visible(viewer=request.staff)
    departure_form = DepartureForm(staff=member, visible=visible)
    context = {"member": member, "departure_form": departure_form, "password": None}
    if request.method == "POST":
        action = request.POST.get("action")
        if member.has_left:
            messages.error(request, _("This colleague has left."))
        elif action == "password" and access.can_issue_password(viewer=request.staff, member=member):
            context["password"] = one_time_password_issue(staff=member, actor=request.staff)
        elif action == "leave" and access.can_record_departure(viewer=request.staff) and member != request.staff:
            departure_form = DepartureForm(request.POST, staff=member, visible=visible)
            if departure_form.is_valid():
                staff_leave(
                    staff=member, successor=departure_form.cleaned_data["successor_employee_no"], actor=request.staff
                )
                messages.success(request, _("%(name)s has been recorded as having left.") % {"name": member.name})
                return redirect("org:staff_detail", staff_id=member.pk)
            context["departure_form"] = departure_form
        else:
            raise PermissionDenied
    context["can_record_departure"] = access.can_record_departure(viewer=request.staff) and member != request.staff
    context["can_issue_password"] = access.can_issue_password(viewer=request.staff, member=member)
    response = render(request, "org/staff_detail.html", context)
    if context["password"]:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@workspace_view
def staff_passwords_export(request):
    """Issue one-time passwords to every imported colleague in scope who has none, as a CSV
    download: the only time these passwords are ever shown."""
    if not access.can_manage_staff(viewer=request.staff):
        raise PermissionDenied
    members = list(staff_awaiting_password(viewer=request.staff).select_related("user", "branch"))
    issued = one_time_passwords_issue(staff=members, actor=request.staff)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="one-time-passwords-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # so that Excel opens UTF-8 Chinese correctly
    writer = csv.writer(response)
    writer.writerow([_("Employee number"), _("Name"), _("Branch"), _("One-time password")])
    for member, password in issued:
        writer.writerow([member.employee_no, member.name, member.branch.name, password])
    return response


@require_http_methods(["GET", "POST"])
@workspace_view
def import_upload(request):
    if not access.can_import_org(viewer=request.staff):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_create(
            name=upload.name,
            content=upload.read(),
            uploaded_by=request.staff,
            schema_name=request.tenant.schema_name,
        )
        return redirect("org:import_job", job_id=job.pk)
    status = 400 if form.errors else 200
    return render(request, "org/import.html", {"form": form, "jobs": import_job_list()}, status=status)


@require_GET
@workspace_view
def import_job(request, job_id: int):
    if not access.can_import_org(viewer=request.staff):
        raise PermissionDenied
    job = get_object_or_404(ImportJob.objects.defer("content"), pk=job_id)
    template = "org/import_job.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"job": job})


@require_GET
@workspace_view
def import_template(request):
    if not access.can_import_org(viewer=request.staff):
        raise PermissionDenied
    response = HttpResponse(
        org_template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="yundian-org-template.xlsx"'
    return response
