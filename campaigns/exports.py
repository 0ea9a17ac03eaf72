"""A campaign's figures as a spreadsheet (CSV with BOM, or XLSX), by manager (the leaderboard) or
by branch, for the viewer's scope only; every export audited. No personal data is in it."""

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.selectors import FIGURES
from org.exports import cell, spreadsheet
from org.models import Staff
from org.services.staff import audit_record

FORMATS = ("csv", "xlsx")
GROUPINGS = ("staff", "branch")


def _figure_headers() -> list[str]:
    return [_("Impressions"), _("Clicks"), _("Participants"), _("Assists"), _("Rewards"), _("Conversions")]


@transaction.atomic
def figures_export(*, viewer: Staff, campaign: Campaign, figures: dict, by: str, fmt: str) -> bytes:
    if by == "branch":
        header = [_("Branch"), *_figure_headers()]
        rows = [
            [cell(row["branch"].name if row["branch"] else ""), *[row[name] for name in FIGURES]]
            for row in figures["branches"]
        ]
    else:
        header = [_("Rank"), _("Account manager"), _("Branch"), *_figure_headers()]
        rows = [
            [
                row["rank"],
                cell(row["staff"].name if row["staff"] else ""),
                cell(row["staff"].branch.name if row["staff"] else ""),
                *[row[name] for name in FIGURES],
            ]
            for row in figures["staff"]
        ]
    content, count = spreadsheet(header=header, rows=rows, fmt=fmt, title=_("Campaign"))
    audit_record(
        actor=viewer,
        action="campaign.export",
        target=viewer,
        detail={"format": fmt, "rows": count, "by": by, "campaign": campaign.pk},
    )
    return content
