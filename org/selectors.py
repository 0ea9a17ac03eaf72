from django.db.models import Q, QuerySet

from org.access import staff_password_issuable, staff_visible
from org.models import ImportJob, Staff


def staff_list(*, viewer: Staff, query: str = "") -> QuerySet[Staff]:
    qs = staff_visible(viewer=viewer)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(employee_no__icontains=query) | Q(branch__name__icontains=query))
    return qs.order_by("branch__path", "employee_no")


def staff_awaiting_password(*, viewer: Staff) -> QuerySet[Staff]:
    """Staff in scope who were imported and have never been given a password."""
    return staff_password_issuable(viewer=viewer).filter(left_at__isnull=True, user__password__startswith="!")


def import_job_list(*, limit: int = 10) -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("uploaded_by").defer("content")[:limit]
