"""Every new non-bot event marks its (Asia/Shanghai day, staff) for `rollups.rollup_pending`.

A statement-level trigger with a transition table: one extra statement per INSERT statement,
whatever wrote the events, and in the same transaction, so an event can never be committed without
its staff-day being marked. On a conflict the existing mark is only locked (`WHERE false`), which
makes a concurrent `rollup_pending` skip it (SKIP LOCKED) until this transaction commits."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION insights_event_mark_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO insights_rolluppending (day, staff_id)
    SELECT DISTINCT (occurred_at AT TIME ZONE 'Asia/Shanghai')::date, COALESCE(staff_id, 0)
    FROM new_events WHERE NOT is_bot
    ORDER BY 1, 2
    ON CONFLICT (day, staff_id) DO UPDATE SET day = EXCLUDED.day WHERE false;
    RETURN NULL;
END
$$;
CREATE TRIGGER insights_event_rollup_pending
    AFTER INSERT ON insights_event REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION insights_event_mark_pending();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS insights_event_rollup_pending ON insights_event;
DROP FUNCTION IF EXISTS insights_event_mark_pending();
"""


class Migration(migrations.Migration):
    dependencies = [("insights", "0005_daily_rollups")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
