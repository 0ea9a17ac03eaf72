"""The lead list as a spreadsheet (CSV or XLSX): masked unless the exporter may unmask
(`customers.access.can_export_unmasked`), and every export audited."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.access import can_export_unmasked
from customers.models import Lead
from org.exports import cell, spreadsheet  # also imported from here by other apps
from org.models import Staff
from org.services.staff import audit_record

FORMATS = ("csv", "xlsx")


def _header() -> list[str]:
    return [
        _("Received"),
        _("Status"),
        _("Name"),
        _("Mobile"),
        _("Product"),
        _("Note"),
        _("Account manager"),
        _("Branch"),
        _("Follow up on"),
        _("Amount"),
        _("Consent version"),
    ]


def _rows(leads: QuerySet[Lead], *, masked: bool):
    for lead in leads.select_related("staff__branch", "product", "consent").iterator(chunk_size=1000):
        yield [
            cell(timezone.localtime(lead.created_at).strftime("%Y-%m-%d %H:%M")),
            cell(lead.get_status_display()),
            cell(lead.name_masked if masked else lead.name),
            cell(lead.mobile_masked if masked else lead.mobile),
            cell(lead.product.name if lead.product_id else ""),
            cell(lead.note),
            cell(lead.staff.name),
            cell(lead.staff.branch.name),
            cell(lead.follow_up_on.isoformat() if lead.follow_up_on else ""),
            cell(lead.converted_amount if lead.converted_amount is not None else ""),
            cell(lead.consent.version),
        ]


@transaction.atomic
def lead_export(*, viewer: Staff, leads: QuerySet[Lead], fmt: str, filters: dict) -> tuple[bytes, bool]:
    """The file's bytes and whether it is masked; writes the `lead.export` audit entry."""
    masked = not can_export_unmasked(viewer=viewer)
    content, count = spreadsheet(header=_header(), rows=_rows(leads, masked=masked), fmt=fmt, title=_("Leads"))
    audit_record(
        actor=viewer,
        action="lead.export",
        target=viewer,
        detail={"format": fmt, "rows": count, "masked": masked, **filters},
    )
    return content, masked
