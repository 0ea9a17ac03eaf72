"""Who may see which campaigns and whose campaign figures (one 404 for missing and forbidden).

Head office edits campaigns in /cms/ only. In the workspace every staff member sees the bank's
published (and stopped) campaigns, never drafts; their figures only ever count the events of staff
in the viewer's scope (org.access.staff_visible): a manager their own, a branch head their
branch's, head office the whole bank.
"""

from django.db.models import QuerySet
from django.http import Http404

from campaigns.models import Campaign
from campaigns.selectors import campaign_events
from insights.models import Event
from org.access import staff_visible
from org.models import Staff


def campaigns_visible(*, viewer: Staff) -> QuerySet[Campaign]:
    return Campaign.objects.exclude(status=Campaign.Status.DRAFT)


def access_campaign(*, viewer: Staff, campaign_id) -> Campaign:
    try:
        return campaigns_visible(viewer=viewer).get(pk=campaign_id)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def events_visible(*, viewer: Staff, campaign: Campaign) -> QuerySet[Event]:
    events = campaign_events(campaign=campaign)
    if viewer.role == Staff.Role.HQ_ADMIN:
        return events
    return events.filter(staff__in=staff_visible(viewer=viewer))


def can_opt_in(*, viewer: Staff, campaign: Campaign) -> bool:
    """Staff put an opt-in campaign on their own page while it has not ended."""
    return campaign.reach == Campaign.Reach.OPT_IN and not campaign.has_ended()
