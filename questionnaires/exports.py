"""A questionnaire's responses as a spreadsheet (CSV with BOM, or XLSX): contact answers masked
unless the exporter may unmask (`questionnaires.access.can_export_unmasked`); every export audited."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.exports import cell, spreadsheet
from org.models import Staff
from org.services.staff import audit_record
from questionnaires.access import can_export_unmasked
from questionnaires.models import OTHER, Question, Questionnaire

FORMATS = ("csv", "xlsx")


def _answer_text(question: Question, response, *, masked: bool) -> str:
    if question.kind == Question.Kind.CONTACT:
        if not response.contact_mobile_masked or question.key not in response.answers:
            return ""
        if masked:
            return f"{response.contact_name[:1]}** {response.contact_mobile_masked}"
        return f"{response.contact_name} {response.contact_mobile}"
    value = response.answers.get(question.key)
    if value is None:
        return ""
    other = response.answers.get(f"{question.key}.other", "")
    values = value if isinstance(value, list) else [value]
    return "; ".join(f"{_('Other')}: {other}" if v == OTHER else str(v) for v in values)


@transaction.atomic
def responses_export(*, viewer: Staff, questionnaire: Questionnaire, questions, responses, fmt: str) -> bytes:
    masked = not can_export_unmasked(viewer=viewer)
    header = [_("Received"), _("Account manager"), _("Branch"), *[q.text for q in questions]]
    rows = [
        [
            cell(timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")),
            cell(r.staff.name),
            cell(r.branch.name),
            *[cell(_answer_text(q, r, masked=masked)) for q in questions],
        ]
        for r in responses.select_related("staff", "branch").order_by("created_at")
    ]
    content, count = spreadsheet(header=header, rows=rows, fmt=fmt, title=_("Responses"))
    audit_record(
        actor=viewer,
        action="questionnaire.export",
        target=viewer,
        detail={"format": fmt, "rows": count, "masked": masked, "questionnaire": questionnaire.pk},
    )
    return content
