"""Who may see which staff and branches. The one place these scope rules live.

A manager sees themself; a branch head their branch and everything under it; a head-office admin
the whole bank. Anything out of scope is reported exactly like something that does not exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from org.models import Branch, Staff


def staff_visible(*, viewer: Staff) -> QuerySet[Staff]:
    qs = Staff.objects.select_related("branch", "user")
    if viewer.role == Staff.Role.HQ_ADMIN:
        return qs
    if viewer.role == Staff.Role.BRANCH_HEAD:
        return qs.filter(branch__path__startswith=viewer.branch.path)
    return qs.filter(pk=viewer.pk)


def branches_visible(*, viewer: Staff) -> QuerySet[Branch]:
    if viewer.role == Staff.Role.HQ_ADMIN:
        return Branch.objects.all()
    return Branch.objects.filter(path__startswith=viewer.branch.path)


def access_staff(*, viewer: Staff, staff_id: int) -> Staff:
    try:
        return staff_visible(viewer=viewer).get(pk=staff_id)
    except (Staff.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_manage_staff(*, viewer: Staff) -> bool:
    """Issue one-time passwords and see colleagues: branch heads (their branch) and head office."""
    return viewer.role in (Staff.Role.BRANCH_HEAD, Staff.Role.HQ_ADMIN)


def staff_password_issuable(*, viewer: Staff) -> QuerySet[Staff]:
    """Staff whose password the viewer may replace with a one-time password. Whoever issues one can
    log in with it, so only head office may do that to a head-office admin."""
    if not can_manage_staff(viewer=viewer):
        return Staff.objects.none()
    qs = staff_visible(viewer=viewer)
    if viewer.role != Staff.Role.HQ_ADMIN:
        qs = qs.exclude(role=Staff.Role.HQ_ADMIN)
    return qs


def can_issue_password(*, viewer: Staff, member: Staff) -> bool:
    return staff_password_issuable(viewer=viewer).filter(pk=member.pk).exists()


def can_import_org(*, viewer: Staff) -> bool:
    return viewer.role == Staff.Role.HQ_ADMIN


def can_record_departure(*, viewer: Staff) -> bool:
    return viewer.role == Staff.Role.HQ_ADMIN
