"""Group commit for tracking hits: many requests, one INSERT and one commit.

Every storefront view writes one inbox row and must not answer before that row is committed
(durability), but a commit per request makes the database the bottleneck. So a request hands its
row to this process's writer thread and waits; the writer inserts everything waiting in one
multi-row statement on its own connection, commits once, and wakes the waiting requests. Nothing
is acknowledged before it is committed, and a failure is reported to every waiting request.
"""

import logging
import threading
from dataclasses import dataclass, field

from django.db import connections

logger = logging.getLogger(__name__)
WAIT_SECONDS = 10
COLUMNS = "received_at, schema_name, code, token, share_code, is_new, entry, referral, is_bot, ip_hash, user_agent"


@dataclass
class _Pending:
    row: list
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class HitWriter:
    def __init__(self):
        self._queue: list[_Pending] = []
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    def write(self, row: list) -> None:
        """Insert one hit (values after received_at, which is now()) and return once committed."""
        pending = _Pending(row)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="inbox-writer", daemon=True)
                self._thread.start()
            self._queue.append(pending)
            self._wake.notify()
        if not pending.done.wait(WAIT_SECONDS):
            raise TimeoutError("the tracking inbox did not commit in time")
        if pending.error is not None:
            raise pending.error

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._queue:
                    self._wake.wait()
                batch, self._queue = self._queue, []
            try:
                self._insert([p.row for p in batch])
            except BaseException as exc:  # every waiting request learns of it
                logger.exception("inbox writer failed")
                for pending in batch:
                    pending.error = exc
                connections["default"].close()
            finally:
                for pending in batch:
                    pending.done.set()

    @staticmethod
    def _insert(rows: list[list]) -> None:
        placeholders = ",".join(["(now(),%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"] * len(rows))
        values = [value for row in rows for value in row]
        # This thread's own connection, in autocommit: the statement is its own transaction.
        with connections["default"].cursor() as cursor:
            cursor.execute(f"INSERT INTO public.insights_inbox_hit ({COLUMNS}) VALUES {placeholders}", values)


writer = HitWriter()
