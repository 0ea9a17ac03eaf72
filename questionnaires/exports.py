"""A questionnaire's responses as a spreadsheet (CSV with BOM, or XLSX): contact answers masked
unless the exporter may unmask (`questionnaires.access.can_export_unmasked`); every export audited."""

import csv
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from customers.exports import _cell
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
            _cell(timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")),
            _cell(r.staff.name),
            _cell(r.branch.name),
            *[_cell(_answer_text(q, r, masked=masked)) for q in questions],
        ]
        for r in responses.select_related("staff", "branch").order_by("created_at")
    ]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        content = buffer.getvalue().encode()
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Responses"))
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        content = out.getvalue()
    else:
        raise ValueError(fmt)
    audit_record(
        actor=viewer,
        action="questionnaire.export",
        target=viewer,
        detail={"format": fmt, "rows": len(rows), "masked": masked, "questionnaire": questionnaire.pk},
    )
    return content
