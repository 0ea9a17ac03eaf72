"""Where storefront hands customer actions to tracking (insights). Recording never breaks the
action itself: failures are logged and the customer carries on."""

import logging

from insights.bots import is_bot
from insights.models import Event
from insights.services import event_record, staff_in_charge, visitor_for_request

logger = logging.getLogger(__name__)
OUTBOUND_KINDS = {"product": Event.Kind.PRODUCT_CLICK, "bill": Event.Kind.PAYMENT_CLICK}


def outbound_click_record(*, request, staff, kind: str, item) -> None:
    try:
        visitor = visitor_for_request(request)
    except Exception:
        logger.exception("outbound click: visitor lookup failed")
        visitor = None
    event_record(
        kind=OUTBOUND_KINDS[kind],
        visitor=visitor,
        staff=None if visitor else staff_in_charge(staff),
        page_staff=staff,
        obj=item,
        data={"category": getattr(item, "category", "")},
        is_bot=is_bot(request.headers.get("User-Agent", "")),
    )
