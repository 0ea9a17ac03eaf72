"""Where storefront hands customer actions to tracking.

The tracking issue (insights) records these as events attributed to the page's owner; until then
the redirect itself works and nothing is recorded. Recording must never break the redirect.
"""

import logging

logger = logging.getLogger(__name__)


def outbound_click_record(*, request, staff, kind: str, item) -> None:
    logger.debug("outbound click: staff=%s kind=%s item=%s", staff.pk, kind, item.pk)
