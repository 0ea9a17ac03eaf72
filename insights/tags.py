"""Customer tags: given by hand by a manager, or by rules over the events visitors cause.

A `TagRule` reads "at least N events of a kind (optionally of one category or object) in the last
D days". `tag_rules_apply` re-evaluates the rules for some visitors; it is called by
`insights.ingest` after each batch (for the visitors the batch touched), by
`insights.services.event_record` for events recorded one by one (leads, bookings, clicks...), and
by `manage.py insights_tags_recompute` for everyone (which is also how tags whose window has
passed go away for customers who stay quiet). Rules only add and remove rule-given tags; a tag a
person gave is never touched by them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from insights.models import Event, Tag, TagRule, Visitor, VisitorTag
from org.models import Staff


@dataclass
class TagRuleResult:
    added: int = 0
    removed: int = 0


def _rule_matches(*, rule: TagRule, visitor_ids: list[int], now) -> set[int]:
    """The visitors among `visitor_ids` who meet `rule` now: one aggregate query."""
    events = Event.objects.filter(
        visitor_id__in=visitor_ids,
        is_bot=False,
        kind=rule.kind,
        occurred_at__gte=now - timedelta(days=rule.window_days),
    )
    if rule.category:
        events = events.filter(data__category=rule.category)
    if rule.object_id:
        events = events.filter(object_id=rule.object_id)
    if rule.owner_id:
        events = events.filter(visitor__owner_id=rule.owner_id)
    counted = events.values("visitor_id").annotate(n=Count("id")).filter(n__gte=rule.threshold)
    return set(counted.values_list("visitor_id", flat=True))


def tag_rules_apply(*, visitor_ids: Iterable[int]) -> TagRuleResult:
    """Bring the rule-given tags of `visitor_ids` in line with the active rules (idempotent).

    One aggregate query per rule, then one read, one insert and one delete of rule-given tags.
    Several rules may give the same tag: a visitor keeps it while any of them holds."""
    ids = sorted({int(pk) for pk in visitor_ids if pk})
    result = TagRuleResult()
    if not ids:
        return result
    now = timezone.now()
    wanted: set[tuple[int, int]] = set()
    for rule in TagRule.objects.filter(is_active=True).only(
        "tag_id", "kind", "category", "object_id", "threshold", "window_days", "owner_id"
    ):
        wanted |= {(visitor_id, rule.tag_id) for visitor_id in _rule_matches(rule=rule, visitor_ids=ids, now=now)}
    existing = {
        (visitor_id, tag_id): (pk, source)
        for pk, visitor_id, tag_id, source in VisitorTag.objects.filter(visitor_id__in=ids).values_list(
            "pk", "visitor_id", "tag_id", "source"
        )
    }
    stale = [pk for pair, (pk, source) in existing.items() if source == VisitorTag.Source.RULE and pair not in wanted]
    if stale:
        result.removed, _by_model = VisitorTag.objects.filter(pk__in=stale, source=VisitorTag.Source.RULE).delete()
    missing = [pair for pair in wanted if pair not in existing]
    if missing:
        # Another worker may tag the same visitor at the same moment: the unique pair settles it.
        created = VisitorTag.objects.bulk_create(
            [VisitorTag(visitor_id=v, tag_id=t, source=VisitorTag.Source.RULE) for v, t in missing],
            ignore_conflicts=True,
        )
        result.added = len(created)
    return result


def tag_rules_recompute(*, chunk: int = 5000) -> TagRuleResult:
    """Every visitor of the current bank, in chunks of ids (the management command)."""
    total, last = TagRuleResult(), 0
    while True:
        ids = list(
            Visitor.objects.filter(pk__gt=last, is_bot=False).order_by("pk").values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            break
        with transaction.atomic():
            result = tag_rules_apply(visitor_ids=ids)
        total.added += result.added
        total.removed += result.removed
        last = ids[-1]
    # Bots never keep a tag (a visitor marked as one after being tagged).
    total.removed += VisitorTag.objects.filter(visitor__is_bot=True, source=VisitorTag.Source.RULE).delete()[0]
    return total


def tag_create(*, name: str, colour: str, kind: str, owner: Staff | None, created_by: Staff | None) -> Tag:
    """A manager's own tag (`owner`), or a bank-wide one (`owner` None, head office)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the tag a name.")})
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name, colour=colour, kind=kind, owner=owner, created_by=created_by)
    except IntegrityError:
        raise ValidationError({"name": _("There is already a tag with that name.")}) from None


@transaction.atomic
def tag_delete(*, tag: Tag) -> None:
    tag.delete()


def visitor_tag_add(*, visitor: Visitor, tag: Tag, actor: Staff) -> VisitorTag:
    """A person tags a customer. The caller has checked both are in `actor`'s scope
    (`access_visitor`, `access_tag`). A tag a rule already gave becomes a manual one, so rules
    no longer take it away."""
    with transaction.atomic():
        visitor_tag, created = VisitorTag.objects.get_or_create(
            visitor=visitor, tag=tag, defaults={"added_by": actor, "source": VisitorTag.Source.MANUAL}
        )
        if not created and visitor_tag.source != VisitorTag.Source.MANUAL:
            visitor_tag.source, visitor_tag.added_by = VisitorTag.Source.MANUAL, actor
            visitor_tag.save(update_fields=["source", "added_by"])
    return visitor_tag


@transaction.atomic
def visitor_tag_remove(*, visitor: Visitor, tag: Tag) -> None:
    """A person takes a tag off a customer (a rule may give it again if it still holds)."""
    VisitorTag.objects.filter(visitor=visitor, tag=tag).delete()


def tag_rule_create(
    *,
    tag: Tag,
    kind: str,
    threshold: int,
    window_days: int,
    category: str = "",
    object_id: str = "",
    owner: Staff | None,
    created_by: Staff | None,
) -> TagRule:
    """A rule for `owner`'s customers (a manager's, on one of their own tags), or bank-wide
    (`owner` None, on a bank-wide tag). A manager's rule is applied to their customers at once."""
    if tag.owner_id != (owner.pk if owner else None):
        raise ValidationError({"tag": _("Rules can only give your own tags.")})
    rule = TagRule(
        tag=tag,
        kind=kind,
        threshold=threshold,
        window_days=window_days,
        category=category.strip(),
        object_id=object_id.strip(),
        owner=owner,
        created_by=created_by,
    )
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        if owner is not None:
            tag_rules_apply(visitor_ids=Visitor.objects.filter(owner=owner, is_bot=False).values_list("pk", flat=True))
    return rule


@transaction.atomic
def tag_rule_delete(*, rule: TagRule) -> None:
    """Remove a rule and the tags only it was giving."""
    owner_id = rule.owner_id
    rule.delete()
    if owner_id is not None:
        tag_rules_apply(visitor_ids=Visitor.objects.filter(owner_id=owner_id).values_list("pk", flat=True))
