"""Writes for campaigns: links and opt-ins of staff, the events campaigns record, and claiming a
unit of a limited-quota offer."""

import logging
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, CampaignLink, CampaignOptIn, QuotaClaim
from customers import pii
from customers.models import ConsentStatement
from customers.services import lead_owner
from insights.models import Event, Visitor
from insights.services import event_record, staff_in_charge
from org.models import Staff

logger = logging.getLogger(__name__)


class CampaignError(Exception):
    """A rule refused the change; the message says why, in the user's language."""


class ClaimRefused(Exception):
    """The offer cannot give this customer a unit; `status` is the HTTP status that says why
    (409: not started or already claimed; 410: sold out or ended)."""

    def __init__(self, message: str, *, status: int, reason: str):
        super().__init__(message)
        self.status = status
        self.reason = reason


# --- Staff: links and opt-ins ---------------------------------------------------------------------


def link_get_or_create(*, campaign: Campaign, staff: Staff) -> CampaignLink:
    """Each staff member's own stable link to a campaign (created the first time it is needed)."""
    link = CampaignLink.objects.filter(campaign=campaign, staff=staff).first()
    if link:
        return link
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return CampaignLink.objects.create(
                    campaign=campaign, staff=staff, code=secrets.token_urlsafe(9)[:10].lower()
                )
        except IntegrityError:
            link = CampaignLink.objects.filter(campaign=campaign, staff=staff).first()
            if link:
                return link
    raise CampaignError(_("Could not create a link. Please try again."))


def opt_in_set(*, campaign: Campaign, staff: Staff, joined: bool) -> None:
    """Put an opt-in campaign on the staff member's page, or take it off."""
    if campaign.reach != Campaign.Reach.OPT_IN:
        raise CampaignError(_("This campaign is on every manager's page already."))
    if joined and campaign.has_ended():
        raise CampaignError(_("This campaign has ended."))
    if joined:
        CampaignOptIn.objects.get_or_create(campaign=campaign, staff=staff)
    else:
        CampaignOptIn.objects.filter(campaign=campaign, staff=staff).delete()


# --- Events -----------------------------------------------------------------------------------------


def campaign_action_record(
    *,
    campaign: Campaign,
    action: str,
    visitor: Visitor | None,
    page_staff: Staff,
    is_bot: bool = False,
    data: dict | None = None,
) -> Event | None:
    """One campaign event (impression, click, claim, conversion), counted like every other event:
    for the visitor's manager when we know them, else for whoever serves the page's customers."""
    return event_record(
        kind=Event.Kind.CAMPAIGN,
        visitor=visitor,
        staff=None if visitor is not None and visitor.owner_id else staff_in_charge(page_staff),
        page_staff=page_staff,
        object_type="campaign",
        object_id=str(campaign.pk),
        data={"action": action, **(data or {})},
        is_bot=is_bot,
    )


# --- Limited-quota offers -------------------------------------------------------------------------


def claim_availability(*, campaign: Campaign, now=None) -> ClaimRefused | None:
    """Why nobody can claim right now (as the refusal to raise), or None."""
    now = now or timezone.now()
    if campaign.status != Campaign.Status.PUBLISHED or now >= campaign.ends_at:
        return ClaimRefused(_("This offer has ended."), status=410, reason="ended")
    if now < campaign.starts_at:
        starts = formats.date_format(timezone.localtime(campaign.starts_at), "DATETIME_FORMAT")
        return ClaimRefused(
            _("This offer has not started yet. It starts at %(time)s.") % {"time": starts},
            status=409,
            reason="not_started",
        )
    if campaign.quota_claimed >= (campaign.quota_units or 0):
        return ClaimRefused(_("Sorry, this offer is sold out."), status=410, reason="sold_out")
    return None


def claim_of(*, campaign: Campaign, visitor_token: str) -> QuotaClaim | None:
    if not visitor_token:
        return None
    return QuotaClaim.objects.filter(campaign=campaign, visitor_token=visitor_token).first()


def _claimed_before(*, campaign: Campaign, phone_hash: str, visitor_token: str) -> bool:
    return (
        QuotaClaim.objects.filter(campaign=campaign)
        .filter(Q(phone_hash=phone_hash) | Q(visitor_token=visitor_token))
        .exists()
    )


def _already_claimed() -> ClaimRefused:
    return ClaimRefused(_("You have already claimed this offer."), status=409, reason="already_claimed")


def quota_claim(
    *,
    link: CampaignLink,
    mobile: str,
    consent: ConsentStatement,
    visitor_token: str,
    visitor: Visitor | None,
    now=None,
) -> QuotaClaim:
    """Give the customer one unit of the link's offer, or raise `ClaimRefused` saying why.

    Exactly `quota_units` claims ever succeed, each unit once, at most one per visitor and one per
    phone, however many arrive at once: the unit is taken by a conditional UPDATE (the campaign
    row's lock serialises claimants only for that statement and the insert after it), the claim is
    inserted in the same transaction under unique constraints, and a refused insert rolls the unit
    back."""
    campaign = link.campaign
    if campaign.goal != Campaign.Goal.QUOTA:
        raise ClaimRefused(_("This campaign has no offer to claim."), status=404, reason="no_offer")
    refusal = claim_availability(campaign=campaign, now=now)
    if refusal is not None:
        raise refusal
    mobile = pii.mobile_normalise(mobile)
    if not pii.mobile_is_valid(mobile) or not visitor_token:
        raise ClaimRefused(str(pii.MOBILE_INVALID), status=400, reason="invalid")
    phone_hash = pii.phone_hash(mobile)
    # A cheap answer first; the unique constraints below are what make it hold under races.
    if _claimed_before(campaign=campaign, phone_hash=phone_hash, visitor_token=visitor_token):
        raise _already_claimed()
    staff = lead_owner(visitor=visitor, page_staff=link.staff)
    try:
        with transaction.atomic():
            taken = Campaign.objects.filter(
                pk=campaign.pk, status=Campaign.Status.PUBLISHED, quota_claimed__lt=F("quota_units")
            ).update(quota_claimed=F("quota_claimed") + 1)
            if not taken:
                raise ClaimRefused(_("Sorry, this offer is sold out."), status=410, reason="sold_out")
            # Our own UPDATE holds the row: this is the number of the unit we just took.
            number = Campaign.objects.filter(pk=campaign.pk).values_list("quota_claimed", flat=True).get()
            claim = QuotaClaim.objects.create(
                campaign=campaign,
                number=number,
                link=link,
                staff=staff,
                branch_id=staff.branch_id,
                visitor=visitor,
                visitor_token=visitor_token,
                phone_hash=phone_hash,
                mobile_encrypted=pii.encrypt(mobile),
                mobile_masked=pii.mobile_mask(mobile),
                consent=consent,
            )
    except IntegrityError:
        raise _already_claimed() from None
    if visitor is not None and not visitor.phone_masked:
        Visitor.objects.filter(pk=visitor.pk).update(phone_masked=claim.mobile_masked)
    campaign_action_record(
        campaign=campaign, action="claim", visitor=visitor, page_staff=link.staff, data={"unit": number}
    )
    return claim
