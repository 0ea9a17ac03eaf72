"""Turning one tracked storefront view (an inbox hit) into visitors, attribution and events.

Ingesting runs these for every view of every page, so each hit is one statement: resolve the
page's manager (or the successor of one who left), create or update the visitor with first-touch
attribution and the protection period, and append the scan and page-view events, dated when the
view happened. `insights.ingest` is the only caller.
"""

from django.db import connection

# The page's manager, and who serves their customers now (a successor, if they left; departures
# re-point successors, so one step is always enough).
_PAGE = """
page AS (
    SELECT s.id AS page_staff_id,
           COALESCE(succ.id, s.id) AS owner_id
    FROM org_staff s
    LEFT JOIN org_staff succ ON s.left_at IS NOT NULL AND succ.id = s.successor_id
    WHERE s.code = %(code)s
)"""

# Events for the visitor returned by the `vis` CTE: a scan when the visit starts here, and a view.
_EVENTS = """
kinds AS (
    SELECT k FROM (VALUES ('scan'), ('page_view')) AS t(k) WHERE k <> 'scan' OR %(entry)s
),
events AS (
    INSERT INTO insights_event
        (kind, occurred_at, visitor_id, staff_id, branch_id, page_staff_id, object_type, object_id, is_bot, data)
    SELECT kinds.k, %(at)s, vis.id, vis.owner_id,
           (SELECT branch_id FROM org_staff WHERE id = vis.owner_id), page.page_staff_id, '', '', vis.is_bot, '{}'
    FROM vis, page, kinds
    RETURNING 1
)
SELECT vis.id, vis.share_code, (SELECT count(*) FROM events) FROM vis"""

NEW_VISITOR = f"""
WITH {_PAGE},
referrer AS (
    SELECT id, owner_id FROM insights_visitor WHERE share_code = %(referral)s AND %(referral)s <> ''
),
-- More newcomers from one network in a minute than a person could be: an automaton (marked as a
-- bot, kept, and counted for nobody). The count stops at the limit, so it stays cheap.
flood AS (
    SELECT count(*) >= %(newcomer_limit)s AS is_bot FROM (
        SELECT 1 FROM insights_visitor
        WHERE ip_hash = %(ip_hash)s AND %(ip_hash)s <> '' AND first_seen_at > %(at)s - interval '1 minute'
        LIMIT %(newcomer_limit)s
    ) AS recent
),
vis AS (
    INSERT INTO insights_visitor
        (token, share_code, owner_id, owned_since, first_staff_id, source, referrer_id, is_bot, ip_hash,
         user_agent, phone_masked, first_seen_at, last_seen_at, visits)
    SELECT %(token)s, %(share_code)s, COALESCE(referrer.owner_id, page.owner_id), %(at)s,
           COALESCE(referrer.owner_id, page.owner_id),
           CASE WHEN referrer.id IS NULL THEN 'scan' ELSE 'share' END, referrer.id, flood.is_bot, %(ip_hash)s,
           %(user_agent)s, '', %(at)s, %(at)s, 1
    FROM page CROSS JOIN flood LEFT JOIN referrer ON true
    ON CONFLICT (token) DO NOTHING
    RETURNING id, owner_id, share_code, is_bot
),
{_EVENTS}
"""

# A returning visitor. On entry, their visit is counted and, once the protection period is over,
# this page's manager takes them over (a conditional update: two simultaneous arrivals cannot
# both take the customer).
_TAKEOVER = """(v.owner_id IS DISTINCT FROM page.owner_id
    AND (v.owned_since IS NULL OR v.owned_since < %(at)s - make_interval(days => protection.days)))"""

RETURNING_VISITOR = f"""
WITH {_PAGE},
protection AS (
    SELECT COALESCE((SELECT protection_days FROM insights_attributionsettings ORDER BY id LIMIT 1), 90) AS days
),
updated AS (
    UPDATE insights_visitor v SET
        owner_id = CASE WHEN {_TAKEOVER} THEN page.owner_id ELSE v.owner_id END,
        owned_since = CASE WHEN {_TAKEOVER} THEN %(at)s ELSE v.owned_since END,
        visits = v.visits + 1,
        last_seen_at = %(at)s
    FROM page, protection
    WHERE v.token = %(token)s AND %(entry)s
    RETURNING v.id, v.owner_id, v.share_code, v.is_bot
),
vis AS (
    SELECT id, owner_id, share_code, is_bot FROM updated
    UNION ALL
    SELECT v.id, v.owner_id, v.share_code, v.is_bot FROM insights_visitor v
    WHERE v.token = %(token)s AND NOT %(entry)s
),
{_EVENTS}
"""

# Crawlers and previews: no visitor, the events marked as a bot's, counted for nobody.
BOT = f"""
WITH {_PAGE},
kinds AS (
    SELECT k FROM (VALUES ('scan'), ('page_view')) AS t(k) WHERE k <> 'scan' OR %(entry)s
)
INSERT INTO insights_event
    (kind, occurred_at, visitor_id, staff_id, branch_id, page_staff_id, object_type, object_id, is_bot, data)
SELECT kinds.k, %(at)s, NULL, page.owner_id, (SELECT branch_id FROM org_staff WHERE id = page.owner_id),
       page.page_staff_id, '', '', true, '{{}}'
FROM page, kinds
"""


def execute(sql: str, params: dict) -> tuple | None:
    """Run one statement (in the caller's transaction); the first row, if any."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if cursor.description else None
