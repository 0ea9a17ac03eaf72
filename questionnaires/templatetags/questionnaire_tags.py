"""Small helpers for the answer page and the results charts."""

from django import template

register = template.Library()


@register.filter
def scale(kind: str):
    return range(1, 6) if kind == "rating" else range(0, 11)


@register.filter
def field_value(data, name: str) -> str:
    return data.get(name, "") if data else ""


@register.filter
def field_list(data, name: str) -> list:
    return data.getlist(name) if hasattr(data, "getlist") else []


@register.filter
def get_error(errors: dict, key: str) -> str:
    return errors.get(key, "") if errors else ""


@register.simple_tag
def survey_link(questionnaire_id, page_code: str):
    """The page owner's own link to a published questionnaire (created the first time), or None.

    Only head office's questionnaires, or the page owner's own, are linked."""
    from django.urls import reverse

    from org.models import Staff
    from questionnaires.models import Questionnaire
    from questionnaires.services import QuestionnaireError, share_get_or_create

    staff = Staff.objects.filter(code=page_code).first()
    questionnaire = (
        Questionnaire.objects.select_related("owner")
        .filter(pk=questionnaire_id, status=Questionnaire.Status.PUBLISHED)
        .first()
    )
    if staff is None or questionnaire is None:
        return None
    if questionnaire.owner.role != Staff.Role.HQ_ADMIN and questionnaire.owner_id != staff.pk:
        return None
    try:
        share = share_get_or_create(questionnaire=questionnaire, staff=staff)
    except QuestionnaireError:
        return None
    return {"url": reverse("questionnaires_public:answer", args=[share.code]), "title": questionnaire.title}
