"""Who may see, edit and read the results of which questionnaires (one 404 for missing and forbidden).

Everyone in the bank may see and share head office's questionnaires; other questionnaires are seen
by the staff whose scope includes their owner (org.access.staff_visible). Only the owner (or head
office) edits one. Results only ever count the responses of staff in the viewer's scope, so a manager
sharing head office's questionnaire sees their own responses, head office the whole bank.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from org.access import staff_visible
from org.models import Staff
from questionnaires.models import Questionnaire, Response


def questionnaires_visible(*, viewer: Staff) -> QuerySet[Questionnaire]:
    if viewer.role == Staff.Role.HQ_ADMIN:
        return Questionnaire.objects.all()
    return Questionnaire.objects.filter(
        Q(owner__role=Staff.Role.HQ_ADMIN, status__in=["published", "closed"])
        | Q(owner__in=staff_visible(viewer=viewer))
    )


def access_questionnaire(*, viewer: Staff, questionnaire_id) -> Questionnaire:
    try:
        return questionnaires_visible(viewer=viewer).select_related("owner").get(pk=questionnaire_id)
    except (Questionnaire.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_edit(*, viewer: Staff, questionnaire: Questionnaire) -> bool:
    return questionnaire.owner_id == viewer.pk or (
        viewer.role == Staff.Role.HQ_ADMIN and questionnaire.owner.role == Staff.Role.HQ_ADMIN
    )


def access_questionnaire_editable(*, viewer: Staff, questionnaire_id) -> Questionnaire:
    questionnaire = access_questionnaire(viewer=viewer, questionnaire_id=questionnaire_id)
    if not can_edit(viewer=viewer, questionnaire=questionnaire):
        raise Http404
    return questionnaire


def responses_visible(*, viewer: Staff, questionnaire: Questionnaire) -> QuerySet[Response]:
    responses = Response.objects.filter(questionnaire=questionnaire)
    if viewer.role == Staff.Role.HQ_ADMIN:
        return responses
    return responses.filter(staff__in=staff_visible(viewer=viewer))


def can_export_unmasked(*, viewer: Staff) -> bool:
    """As for leads: head office and branch heads export contact answers in full, managers masked."""
    return viewer.role in (Staff.Role.HQ_ADMIN, Staff.Role.BRANCH_HEAD)
