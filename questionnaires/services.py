"""Writes for questionnaires: building (drafts, questions, publishing), sharing, and answering."""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import pii
from customers.models import ConsentStatement
from insights.models import Event, Visitor
from insights.services import event_record, staff_in_charge
from org.models import Staff
from questionnaires.models import (
    LONG_TEXT_MAX,
    OTHER,
    SHORT_TEXT_MAX,
    Question,
    Questionnaire,
    Response,
    Share,
)


class QuestionnaireError(Exception):
    """A rule refused the change; the message says why, in the user's language."""


class ResponseRefused(Exception):
    """The questionnaire cannot take this response (closed, full, already answered)."""


# --- Building -----------------------------------------------------------------------------------


def questions_editable_check(*, questionnaire: Questionnaire) -> None:
    """Questions are frozen once answers exist: changing them would make the answers lie."""
    if questionnaire.responses.exists():
        raise QuestionnaireError(_("This questionnaire already has responses, so its questions can no longer change."))


@transaction.atomic
def question_add(*, questionnaire: Questionnaire, **fields) -> Question:
    questions_editable_check(questionnaire=questionnaire)
    condition = fields.get("show_if_question")
    if condition is not None and (condition.questionnaire_id != questionnaire.pk or not condition.is_choice):
        raise QuestionnaireError(_("A condition must refer to an earlier choice question of this questionnaire."))
    if condition is not None and fields.get("show_if_value") not in condition.options:
        raise QuestionnaireError(_("Choose one of that question's options for the condition."))
    last = questionnaire.questions.aggregate(last=Max("position"))["last"]
    return Question.objects.create(questionnaire=questionnaire, position=(last or 0) + 1, **fields)


@transaction.atomic
def question_delete(*, question: Question) -> None:
    questions_editable_check(questionnaire=question.questionnaire)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, up: bool) -> None:
    questions_editable_check(questionnaire=question.questionnaire)
    siblings = list(question.questionnaire.questions.all())
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, start=1):
        Question.objects.filter(pk=item.pk).update(position=position)
    for item in siblings:  # a condition may only look back
        if item.show_if_question_id and _position(siblings, item.show_if_question_id) > _position(siblings, item.pk):
            raise QuestionnaireError(_("A question with a condition must come after the question it depends on."))


def _position(items, pk) -> int:
    return next(i for i, q in enumerate(items) if q.pk == pk)


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    if not questionnaire.questions.exists():
        raise QuestionnaireError(_("Add at least one question before publishing."))
    if questionnaire.questions.filter(kind=Question.Kind.CONTACT).exists() and not ConsentStatement.objects.exists():
        raise QuestionnaireError(_("Head office has not written a consent statement yet."))
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.published_at = questionnaire.published_at or timezone.now()
    questionnaire.save(update_fields=["status", "published_at"])
    return questionnaire


def questionnaire_close(*, questionnaire: Questionnaire) -> Questionnaire:
    questionnaire.status = Questionnaire.Status.CLOSED
    questionnaire.save(update_fields=["status"])
    return questionnaire


def share_get_or_create(*, questionnaire: Questionnaire, staff: Staff) -> Share:
    """Each staff member's own stable link to a questionnaire (created the first time they share it)."""
    share = Share.objects.filter(questionnaire=questionnaire, staff=staff).first()
    if share:
        return share
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Share.objects.create(
                    questionnaire=questionnaire, staff=staff, code=secrets.token_urlsafe(9)[:10].lower()
                )
        except IntegrityError:
            share = Share.objects.filter(questionnaire=questionnaire, staff=staff).first()
            if share:
                return share
    raise QuestionnaireError(_("Could not create a link. Please try again."))


# --- Answering ----------------------------------------------------------------------------------


def question_visible(question: Question, answers: dict, visible: set[int]) -> bool:
    """Show B only if A (itself shown) was answered with the chosen option."""
    if not question.show_if_question_id:
        return True
    if question.show_if_question_id not in visible:
        return False
    given = answers.get(str(question.show_if_question_id))
    if isinstance(given, list):
        return question.show_if_value in given
    return given == question.show_if_value


def answers_clean(*, questions: list[Question], data) -> tuple[dict, dict, dict]:
    """Validate posted form data (a QueryDict) against the questions, conditions enforced here.

    Returns (answers, contact, errors): answers keyed by question id (hidden questions dropped),
    the contact details if a contact question was answered, and error messages by question id."""
    answers, contact, errors = {}, {}, {}
    visible: set[int] = set()
    for question in questions:
        if not question_visible(question, answers, visible):
            continue
        visible.add(question.pk)
        key = f"q{question.pk}"
        value, error = _clean_one(question, data, key)
        if error:
            errors[question.key] = error
            continue
        if value in (None, "", []):
            if question.required:
                errors[question.key] = _("Please answer this question.")
            continue
        if question.kind == Question.Kind.CONTACT:
            contact = value
            answers[question.key] = {"mobile": pii.mobile_mask(value["mobile"])}
            continue
        if isinstance(value, tuple):  # a choice with "other"
            value, other = value
            answers[f"{question.key}.other"] = other
        answers[question.key] = value
    return answers, contact, errors


def _clean_one(question: Question, data, key: str):
    kind = question.kind
    if kind == Question.Kind.SINGLE:
        value = data.get(key, "")
        if not value:
            return None, None
        if value == OTHER and question.allow_other:
            other = data.get(f"{key}_other", "").strip()[:SHORT_TEXT_MAX]
            if not other:
                return None, _("Please say what “other” is.")
            return (OTHER, other), None
        if value not in question.options:
            return None, _("Choose one of the options.")
        return value, None
    if kind == Question.Kind.MULTIPLE:
        values = list(dict.fromkeys(data.getlist(key)))
        if not values:
            return [], None
        allowed = set(question.options) | ({OTHER} if question.allow_other else set())
        if not set(values) <= allowed:
            return None, _("Choose among the options.")
        if question.min_choices and len(values) < question.min_choices:
            return None, _("Choose at least %(n)s.") % {"n": question.min_choices}
        if question.max_choices and len(values) > question.max_choices:
            return None, _("Choose at most %(n)s.") % {"n": question.max_choices}
        ordered = [o for o in question.options if o in values] + ([OTHER] if OTHER in values else [])
        if OTHER in values:
            other = data.get(f"{key}_other", "").strip()[:SHORT_TEXT_MAX]
            if not other:
                return None, _("Please say what “other” is.")
            return (ordered, other), None
        return ordered, None
    if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        limit = SHORT_TEXT_MAX if kind == Question.Kind.SHORT_TEXT else LONG_TEXT_MAX
        value = data.get(key, "").strip()
        if len(value) > limit:
            return None, _("Please keep it under %(n)s characters.") % {"n": limit}
        return value, None
    if kind in (Question.Kind.RATING, Question.Kind.NPS):
        raw = data.get(key, "")
        if raw == "":
            return None, None
        low, high = (1, 5) if kind == Question.Kind.RATING else (0, 10)
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            return None, _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}
        return value, None
    if kind == Question.Kind.DATE:
        raw = data.get(key, "").strip()
        if not raw:
            return None, None
        try:
            return datetime.date.fromisoformat(raw).isoformat(), None
        except ValueError:
            return None, _("Enter a date like 2025-01-31.")
    if kind == Question.Kind.CONTACT:
        name = data.get(f"{key}_name", "").strip()[:30]
        mobile_raw = data.get(f"{key}_mobile", "").strip()
        if not name and not mobile_raw:
            return None, None
        mobile = pii.mobile_normalise(mobile_raw)
        if not name:
            return None, _("Please enter your name.")
        if not pii.mobile_is_valid(mobile):
            return None, str(pii.MOBILE_INVALID)
        consent = ConsentStatement.objects.filter(version=_int(data.get(f"{key}_consent_version"))).first()
        if data.get(f"{key}_consent") != "on" or consent is None:
            return None, _("Please read and agree to the statement to continue.")
        return {"name": name, "mobile": mobile, "consent": consent}, None
    return None, None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def response_submit(
    *,
    share: Share,
    answers: dict,
    contact: dict,
    visitor_token: str,
    visitor: Visitor | None,
) -> Response:
    """Store one response: takes a place under the cap with a conditional UPDATE (the check
    constraint backs it), refuses a second response from the same visitor or phone, and records a
    `survey_response` event for the manager in charge of the share."""
    questionnaire = share.questionnaire
    reason = questionnaire.unavailable_reason()
    if reason:
        raise ResponseRefused(reason)
    staff = staff_in_charge(share.staff)
    phone_hash = pii.phone_hash(contact["mobile"]) if contact else ""
    try:
        with transaction.atomic():
            now = timezone.now()
            taken = (
                Questionnaire.objects.filter(pk=questionnaire.pk, status=Questionnaire.Status.PUBLISHED)
                .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
                .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
                .filter(Q(max_responses__isnull=True) | Q(response_count__lt=F("max_responses")))
                .update(response_count=F("response_count") + 1)
            )
            if not taken:
                raise ResponseRefused(_("This questionnaire has all the responses it needs. Thank you!"))
            response = Response.objects.create(
                questionnaire=questionnaire,
                share=share,
                staff=staff,
                branch_id=staff.branch_id,
                visitor=visitor,
                visitor_token=visitor_token or "",
                answers=answers,
                contact_name_encrypted=pii.encrypt(contact["name"]) if contact else "",
                contact_mobile_encrypted=pii.encrypt(contact["mobile"]) if contact else "",
                contact_mobile_masked=pii.mobile_mask(contact["mobile"]) if contact else "",
                phone_hash=phone_hash,
                consent=contact.get("consent") if contact else None,
            )
    except IntegrityError:
        raise ResponseRefused(_("You have already answered this questionnaire. Thank you!")) from None
    event_record(kind=Event.Kind.SURVEY_RESPONSE, visitor=visitor, staff=staff, obj=response)
    return response


def already_answered(*, questionnaire: Questionnaire, visitor_token: str) -> bool:
    return (
        bool(visitor_token)
        and Response.objects.filter(questionnaire=questionnaire, visitor_token=visitor_token).exists()
    )
