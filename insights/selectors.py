from django.db.models import Count, Q, QuerySet

from insights.access import visitors_visible
from insights.models import Event, Visitor
from org.models import Staff

REFERRAL_DEPTH_MAX = 6
TREE_NODES_MAX = 500


def customer_list(*, viewer: Staff, source: str = "") -> QuerySet[Visitor]:
    qs = visitors_visible(viewer=viewer).select_related("owner", "referrer")
    if source:
        qs = qs.filter(source=source)
    return qs.annotate(referred_count=Count("referred", filter=Q(referred__is_bot=False))).order_by("-last_seen_at")


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
