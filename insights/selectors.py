from django.db.models import Count, F, Prefetch, Q, QuerySet

from insights.access import tags_usable, visitors_visible
from insights.models import Event, Tag, TagRule, Visitor, VisitorTag
from org.models import Staff

REFERRAL_DEPTH_MAX = 6
TREE_NODES_MAX = 500


def customer_list(*, viewer: Staff, source: str = "", tag: Tag | None = None) -> QuerySet[Visitor]:
    """The viewer's customers, newest activity first, each with `tags_shown` (the tags the viewer
    may see). `tag` must come from `tags_usable` (a form's queryset does that)."""
    qs = visitors_visible(viewer=viewer).select_related("owner", "referrer")
    if source:
        qs = qs.filter(source=source)
    if tag is not None:
        qs = qs.filter(visitor_tags__tag=tag)
    qs = qs.prefetch_related(_tags_prefetch(viewer=viewer))
    return qs.annotate(referred_count=Count("referred", filter=Q(referred__is_bot=False))).order_by("-last_seen_at")


def _tags_prefetch(*, viewer: Staff) -> Prefetch:
    shown = VisitorTag.objects.filter(tag__in=tags_usable(viewer=viewer)).select_related("tag").order_by("tag__name")
    return Prefetch("visitor_tags", queryset=shown, to_attr="tags_shown")


def customer_tags(*, visitor: Visitor, viewer: Staff) -> list[VisitorTag]:
    """The tags on `visitor` that `viewer` may see (bank-wide ones and their own)."""
    return list(
        visitor.visitor_tags.filter(tag__in=tags_usable(viewer=viewer)).select_related("tag").order_by("tag__name")
    )


def tag_list(*, viewer: Staff) -> QuerySet[Tag]:
    """The tags `viewer` may use, bank-wide first, each with its rules (the viewer's and bank-wide)."""
    rules = TagRule.objects.filter(Q(owner__isnull=True) | Q(owner=viewer)).order_by("pk")
    return (
        tags_usable(viewer=viewer)
        .prefetch_related(Prefetch("rules", queryset=rules))
        .order_by(F("owner").asc(nulls_first=True), "name")
    )


def customer_timeline(*, visitor: Visitor, limit: int = 100) -> QuerySet[Event]:
    return visitor.events.select_related("page_staff").order_by("-occurred_at")[:limit]


def referral_tree(*, root: Visitor) -> list[dict]:
    """Everyone `root` brought, and whom they brought, breadth first: [{visitor, depth, parent_id}].

    One query per level, bounded in depth and size so a viral chain cannot make the page slow."""
    rows, frontier = [], [root.pk]
    for depth in range(1, REFERRAL_DEPTH_MAX + 1):
        level = list(
            Visitor.objects.filter(referrer_id__in=frontier, is_bot=False)
            .annotate(referred_count=Count("referred"))
            .order_by("first_seen_at")[: TREE_NODES_MAX - len(rows)]
        )
        if not level:
            break
        rows += [{"visitor": v, "depth": depth, "parent_id": v.referrer_id} for v in level]
        frontier = [v.pk for v in level]
        if len(rows) >= TREE_NODES_MAX:
            break
    # Depth-first order for display: each child right after its parent.
    children: dict[int, list[dict]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)
    ordered: list[dict] = []

    def walk(parent_id):
        for row in children.get(parent_id, []):
            ordered.append(row)
            walk(row["visitor"].pk)

    walk(root.pk)
    return ordered


def referral_chain(*, visitor: Visitor) -> list[Visitor]:
    """Who referred `visitor`, and who referred them, up to the first visitor (nearest first)."""
    chain, seen, current = [], {visitor.pk}, visitor.referrer
    while current is not None and current.pk not in seen and len(chain) < REFERRAL_DEPTH_MAX:
        chain.append(current)
        seen.add(current.pk)
        current = current.referrer
    return chain
