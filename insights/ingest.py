"""Turning inbox hits into visitors, attribution and events, bank by bank, in batches.

Run continuously by `manage.py insights_ingest` (started by `make demo`; one per deployment, or
more: batches are claimed with SKIP LOCKED, so workers never process a hit twice). Each batch is
one transaction: the hits are applied in the order they arrived (so a share link's sharer exists
before the friend they brought) and deleted in the same commit, so a crash loses nothing and
repeats nothing.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_context

from insights import recording
from insights.tags import tag_rules_apply

logger = logging.getLogger(__name__)
BATCH = 2000

CLAIM = """
SELECT id, received_at, schema_name, code, token, share_code, is_new, entry, referral, is_bot, ip_hash, user_agent
FROM public.insights_inbox_hit
ORDER BY id
LIMIT %s
FOR UPDATE SKIP LOCKED
"""


@dataclass
class IngestResult:
    hits: int = 0
    dropped: int = 0  # hits for a code no bank knows (the page itself would have been a 404)


def _apply(hit: tuple, touched: set[int]) -> bool:
    """Apply one hit; the visitor it was about goes into `touched` (for tag rules)."""
    (_id, at, _schema, code, token, share_code, is_new, entry, referral, bot, ip, user_agent) = hit
    params = {"code": code, "entry": entry, "at": at}
    if bot:
        with connection.cursor() as cursor:
            cursor.execute(recording.BOT, params)
            return cursor.rowcount > 0
    if not is_new and (row := recording.execute(recording.RETURNING_VISITOR, {**params, "token": token})):
        touched.add(row[0])
        return True
    # A new visitor, or a cookie whose visitor we no longer have: (re)create it under that identity.
    row = recording.execute(
        recording.NEW_VISITOR,
        {
            **params,
            "token": token,
            "share_code": share_code,
            "referral": referral,
            "ip_hash": ip,
            "user_agent": user_agent,
            "newcomer_limit": settings.TRACK_NEWCOMERS_PER_MINUTE,
        },
    )
    if row is None:
        return False
    touched.add(row[0])
    return True


def hits_process(*, batch: int = BATCH) -> IngestResult:
    """Claim up to `batch` hits, apply them in their banks' schemas, delete them. One transaction.

    Should a hit fail to apply (a bug, or data we did not foresee), the batch is retried hit by
    hit, each in a savepoint, and only the failing hit is dropped (and logged): one bad row must
    never stop every bank's tracking."""
    result = IngestResult()
    with transaction.atomic():
        with schema_context("public"), connection.cursor() as cursor:
            cursor.execute(CLAIM, [batch])
            hits = cursor.fetchall()
        try:
            with transaction.atomic():
                result.dropped = _apply_all(hits, isolated=False)
        except Exception:
            logger.exception("insights ingest: a batch failed; applying its hits one by one")
            result.dropped = _apply_all(hits, isolated=True)
        if hits:
            with schema_context("public"), connection.cursor() as cursor:
                cursor.execute("DELETE FROM public.insights_inbox_hit WHERE id = ANY(%s)", [[h[0] for h in hits]])
        result.hits = len(hits)
    return result


def _apply_all(hits: list[tuple], *, isolated: bool) -> int:
    dropped = 0
    by_schema: dict[str, list[tuple]] = {}
    for hit in hits:
        by_schema.setdefault(hit[2], []).append(hit)
    for schema_name, schema_hits in by_schema.items():
        touched: set[int] = set()
        with schema_context(schema_name):
            for hit in schema_hits:
                if not isolated:
                    dropped += not _apply(hit, touched)
                    continue
                try:
                    with transaction.atomic():
                        dropped += not _apply(hit, touched)
                except Exception:
                    logger.exception("insights ingest: dropped hit %s", hit[0])
                    dropped += 1
            _tags_refresh(touched)
    return dropped


def _tags_refresh(visitor_ids: set[int]) -> None:
    """Re-evaluate tag rules for the visitors a batch touched, once per bank per batch. A failure
    here is logged and never costs the batch its hits (a savepoint keeps the batch intact)."""
    if not visitor_ids:
        return
    try:
        with transaction.atomic():
            tag_rules_apply(visitor_ids=visitor_ids)
    except Exception:
        logger.exception("insights ingest: tag rules failed for %s visitors", len(visitor_ids))


def hits_drain(*, batch: int = BATCH) -> IngestResult:
    """Process until the inbox is empty (tests, benchmarks, and the loop below)."""
    total = IngestResult()
    while True:
        result = hits_process(batch=batch)
        total.hits += result.hits
        total.dropped += result.dropped
        if result.hits < batch:
            return total


def ingest_forever(*, interval: float = 0.5) -> None:
    while True:
        try:
            hits_drain()
        except Exception:  # keep going: the hits stay in the inbox and are retried
            logger.exception("insights ingest failed")
        time.sleep(interval)
