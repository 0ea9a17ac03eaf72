import secrets

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from cms.forms import QrOptionsForm
from cms.http import image_response
from cms.qr import qr_etag, qr_png, rendered_get, rendered_set
from customers.forms import HONEYPOT_FIELD
from customers.ratelimit import rate_limit_exceeded
from customers.services import consent_current
from insights.identity import visitor_token_read
from insights.services import staff_in_charge, visitor_for_request
from org.access import branches_visible, staff_visible
from org.decorators import workspace_view
from questionnaires import access, selectors, services
from questionnaires.exports import FORMATS, responses_export
from questionnaires.forms import QuestionForm, QuestionnaireForm, ResultsFilterForm
from questionnaires.models import OTHER, Question, Questionnaire, Share

# Without the bank's visitor cookie (a link opened straight from a chat), this cookie still keeps
# one response per browser.
ANSWER_COOKIE = "yd_q"
ANSWER_COOKIE_SALT = "questionnaires.answerer"

# --- The customer's side: /q/<code> (never cached, CSRF, honeypot, rate limited) -----------------


def _share(code: str) -> Share:
    share = Share.objects.select_related("questionnaire", "staff__branch").filter(code=code.lower()[:16]).first()
    if share is None or share.questionnaire.status == Questionnaire.Status.DRAFT:
        raise Http404
    return share


def _answerer_token(request) -> tuple[str, bool]:
    token = visitor_token_read(request) or request.get_signed_cookie(ANSWER_COOKIE, "", salt=ANSWER_COOKIE_SALT)
    if token:
        return token, False
    return secrets.token_urlsafe(24), True


@never_cache
@require_http_methods(["GET", "POST"])
def answer_page(request, code: str):
    share = _share(code)
    questionnaire = share.questionnaire
    token, new_token = _answerer_token(request)
    questions = selectors.questions_of(questionnaire=questionnaire)
    context = {
        "questionnaire": questionnaire,
        "share": share,
        "page_staff": staff_in_charge(share.staff),
        "questions": questions,
        "consent": consent_current() if any(q.kind == Question.Kind.CONTACT for q in questions) else None,
        "errors": {},
        "data": {},
        "other": OTHER,
    }
    status = 200
    refused = questionnaire.unavailable_reason()
    if not refused and services.already_answered(questionnaire=questionnaire, visitor_token=token):
        refused = _("You have already answered this questionnaire. Thank you!")
    if not refused and request.method == "POST":
        if rate_limit_exceeded(
            request=request,
            action="survey",
            per_visitor=settings.LEAD_SUBMITS_PER_VISITOR_HOUR,
            per_network=settings.LEAD_SUBMITS_PER_NETWORK_HOUR,
        ):
            response = render(
                request, "customers/public/too_many.html", {"page_staff": context["page_staff"]}, status=429
            )
            response["Retry-After"] = "3600"
            return response
        if request.POST.get(HONEYPOT_FIELD):
            return redirect(reverse("questionnaires_public:answer", args=[share.code]) + "?done=1")
        answers, contact, errors = services.answers_clean(questions=questions, data=request.POST)
        if not errors:
            try:
                services.response_submit(
                    share=share,
                    answers=answers,
                    contact=contact,
                    visitor_token=token,
                    visitor=visitor_for_request(request),
                )
            except services.ResponseRefused as exc:
                refused = str(exc)
                status = 409
            else:
                response = redirect(reverse("questionnaires_public:answer", args=[share.code]) + "?done=1")
                return _with_token(response, token, new_token)
        else:
            context.update(errors=errors, data=request.POST)
            status = 400
    if refused and request.GET.get("done") == "1":
        context["done"] = True
    elif refused:
        context["refused"] = refused
        if request.method == "POST":
            status = 409
    response = render(request, "questionnaires/public/answer.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return _with_token(response, token, new_token)


def _with_token(response, token: str, new: bool):
    if new:
        response.set_signed_cookie(
            ANSWER_COOKIE, token, salt=ANSWER_COOKIE_SALT, max_age=60 * 60 * 24 * 730, httponly=True, samesite="Lax"
        )
    return response


@require_safe
def answer_qr(request, code: str):
    """`/q/<code>/qr.png`: the share link as a QR code (cached like staff QR codes, see cms.qr)."""
    form = QrOptionsForm(request.GET)
    if not form.is_valid():
        raise Http404
    options = form.options()
    url = request.build_absolute_uri(reverse("questionnaires_public:answer", args=[code.lower()]))
    etag = qr_etag(data=url, options=options, fmt="png")
    content = rendered_get(etag=etag)
    if content is None:
        _share(code)
        content = qr_png(data=url, options=options)
        rendered_set(etag=etag, content=content)
    return image_response(request, content=content, etag=etag, content_type="image/png")


# --- The workspace: build, share, results ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@workspace_view
def questionnaire_list(request):
    if request.method == "POST":
        form = QuestionnaireForm(request.POST)
        if form.is_valid():
            questionnaire = form.save(commit=False)
            questionnaire.owner = request.staff
            questionnaire.save()
            return redirect("questionnaires:detail", questionnaire_id=questionnaire.pk)
        status = 400
    else:
        form = QuestionnaireForm()
        status = 200
    items = access.questionnaires_visible(viewer=request.staff).select_related("owner")
    return render(request, "questionnaires/list.html", {"items": items, "form": form}, status=status)


def _detail(request, questionnaire, *, status=200, settings_form=None, question_form=None):
    # Staff share head office's questionnaires and their own (a branch head reading a manager's
    # questionnaire gets no link of their own to it).
    shareable = questionnaire.status != Questionnaire.Status.DRAFT and (
        questionnaire.is_head_office or questionnaire.owner_id == request.staff.pk
    )
    share = services.share_get_or_create(questionnaire=questionnaire, staff=request.staff) if shareable else None
    context = {
        "questionnaire": questionnaire,
        "questions": selectors.questions_of(questionnaire=questionnaire),
        "editable": access.can_edit(viewer=request.staff, questionnaire=questionnaire),
        "has_responses": questionnaire.responses.exists(),
        "settings_form": settings_form or QuestionnaireForm(instance=questionnaire),
        "question_form": question_form or QuestionForm(questionnaire=questionnaire),
        "share": share,
        "share_url": request.build_absolute_uri(reverse("questionnaires_public:answer", args=[share.code]))
        if share
        else "",
    }
    return render(request, "questionnaires/detail.html", context, status=status)


@require_GET
@workspace_view
def questionnaire_detail(request, questionnaire_id: int):
    questionnaire = access.access_questionnaire(viewer=request.staff, questionnaire_id=questionnaire_id)
    return _detail(request, questionnaire)


@require_POST
@workspace_view
def questionnaire_settings(request, questionnaire_id: int):
    questionnaire = access.access_questionnaire_editable(viewer=request.staff, questionnaire_id=questionnaire_id)
    form = QuestionnaireForm(request.POST, instance=questionnaire)
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("questionnaires:detail", questionnaire_id=questionnaire.pk)
    return _detail(request, questionnaire, status=400, settings_form=form)


@require_POST
@workspace_view
def question_add(request, questionnaire_id: int):
    questionnaire = access.access_questionnaire_editable(viewer=request.staff, questionnaire_id=questionnaire_id)
    form = QuestionForm(request.POST, questionnaire=questionnaire)
    if form.is_valid():
        try:
            services.question_add(questionnaire=questionnaire, **form.question_fields())
        except services.QuestionnaireError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("questionnaires:detail", questionnaire_id=questionnaire.pk)
    return _detail(request, questionnaire, status=400, question_form=form)


@require_POST
@workspace_view
def question_change(request, questionnaire_id: int, question_id: int, action: str):
    questionnaire = access.access_questionnaire_editable(viewer=request.staff, questionnaire_id=questionnaire_id)
    question = questionnaire.questions.filter(pk=question_id).first()
    if question is None or action not in ("delete", "up", "down"):
        raise Http404
    try:
        if action == "delete":
            services.question_delete(question=question)
        else:
            services.question_move(question=question, up=action == "up")
    except services.QuestionnaireError as exc:
        messages.error(request, str(exc))
    return redirect("questionnaires:detail", questionnaire_id=questionnaire.pk)


@require_POST
@workspace_view
def questionnaire_status(request, questionnaire_id: int, action: str):
    questionnaire = access.access_questionnaire_editable(viewer=request.staff, questionnaire_id=questionnaire_id)
    try:
        if action == "publish":
            services.questionnaire_publish(questionnaire=questionnaire)
            messages.success(request, _("Published. Share your link below."))
        elif action == "close":
            services.questionnaire_close(questionnaire=questionnaire)
        else:
            raise Http404
    except services.QuestionnaireError as exc:
        messages.error(request, str(exc))
    return redirect("questionnaires:detail", questionnaire_id=questionnaire.pk)


def _filtered(request, questionnaire):
    form = ResultsFilterForm(
        request.GET,
        staff_queryset=staff_visible(viewer=request.staff).order_by("name"),
        branch_queryset=branches_visible(viewer=request.staff).order_by("name"),
    )
    responses = access.responses_visible(viewer=request.staff, questionnaire=questionnaire)
    return form, selectors.response_list(responses=responses, **form.filters())


@require_GET
@workspace_view
def questionnaire_results(request, questionnaire_id: int):
    questionnaire = access.access_questionnaire(viewer=request.staff, questionnaire_id=questionnaire_id)
    form, responses = _filtered(request, questionnaire)
    total, stats = selectors.statistics(
        questions=selectors.questions_of(questionnaire=questionnaire), responses=responses
    )
    context = {
        "questionnaire": questionnaire,
        "form": form,
        "total": total,
        "stats": stats,
        "rollup": selectors.rollup(responses=responses),
        "query": request.GET.urlencode(),
    }
    return render(request, "questionnaires/results.html", context)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@workspace_view
def questionnaire_export(request, questionnaire_id: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    questionnaire = access.access_questionnaire(viewer=request.staff, questionnaire_id=questionnaire_id)
    _form, responses = _filtered(request, questionnaire)
    content = responses_export(
        viewer=request.staff,
        questionnaire=questionnaire,
        questions=selectors.questions_of(questionnaire=questionnaire),
        responses=responses,
        fmt=fmt,
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"questionnaire-{questionnaire.pk}-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
