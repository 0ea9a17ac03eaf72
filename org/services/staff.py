"""Writes on staff members: creating them, their passwords, their departure."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from org import signals as org_signals
from org.models import AuditLog, Branch, Staff

# No 0/o, 1/l/i: codes are read off posters and typed by hand.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes: not guessable by walking through them
OTP_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz"
OTP_LENGTH = 10  # ≈ 57 bits
HEAD_OFFICE_GROUP = "head_office"


def staff_code_new(*, taken: set[str] | None = None) -> str:
    """A fresh link code, unique in this bank (checked against `taken` and the database)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if taken is not None and code in taken:
            continue
        if not Staff.objects.filter(code=code).exists():
            if taken is not None:
                taken.add(code)
            return code


def one_time_password_new() -> str:
    return "".join(secrets.choice(OTP_ALPHABET) for _ in range(OTP_LENGTH))


def one_time_password_hash(password: str) -> str:
    return make_password(password, hasher="otp_pbkdf2_sha256")


def audit_record(*, actor: Staff | None, action: str, target, detail: dict | None = None) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        target_type=target.__class__.__name__.lower(),
        target_id=str(target.pk),
        detail=detail or {},
    )


def staff_role_apply(*, staff: Staff) -> None:
    """Give the user the Django/Wagtail permissions that go with the staff member's role."""
    user = staff.user
    is_hq = staff.role == Staff.Role.HQ_ADMIN
    if user.is_staff != is_hq:
        user.is_staff = is_hq
        user.save(update_fields=["is_staff"])
    group = head_office_group()
    if is_hq:
        user.groups.add(group)
    else:
        user.groups.remove(group)


def head_office_group() -> Group:
    """Head-office admins reach the Wagtail admin (/cms/); the catalog issue adds its permissions."""
    group, created = Group.objects.get_or_create(name=HEAD_OFFICE_GROUP)
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


@transaction.atomic
def staff_create(
    *,
    employee_no: str,
    name: str,
    branch: Branch,
    role: str = Staff.Role.MANAGER,
    title: str = "",
    mobile: str = "",
    wechat_id: str = "",
    licence_no: str = "",
) -> tuple[Staff, str]:
    """Create a staff member and their login; returns the staff and their one-time password."""
    password = one_time_password_new()
    user = get_user_model().objects.create(username=employee_no, password=one_time_password_hash(password))
    staff = Staff.objects.create(
        user=user,
        employee_no=employee_no,
        name=name,
        branch=branch,
        role=role,
        title=title,
        mobile=mobile,
        wechat_id=wechat_id,
        licence_no=licence_no,
        code=staff_code_new(),
        must_change_password=True,
    )
    staff_role_apply(staff=staff)
    org_signals.staff_created.send(sender=Staff, staff_ids=[staff.pk])
    return staff, password


@transaction.atomic
def one_time_password_issue(*, staff: Staff, actor: Staff | None) -> str:
    """Replace the staff member's password with a one-time password, to be changed at next login.

    The password is returned to be shown once; only its hash is kept. Audited.
    """
    password = one_time_password_new()
    user = staff.user
    user.password = one_time_password_hash(password)
    user.save(update_fields=["password"])
    staff.must_change_password = True
    staff.save(update_fields=["must_change_password", "updated_at"])
    audit_record(actor=actor, action="password.issue", target=staff)
    return password


@transaction.atomic
def password_changed(*, staff: Staff) -> None:
    staff.must_change_password = False
    staff.save(update_fields=["must_change_password", "updated_at"])


@transaction.atomic
def staff_leave(*, staff: Staff, successor: Staff | None, actor: Staff | None) -> Staff:
    """Record that a staff member has left: they can no longer log in, and `successor` takes over
    their public link (and, with the tracking issue, their customers)."""
    if successor is not None and (successor.pk == staff.pk or successor.has_left):
        raise ValueError("successor must be another current staff member")
    staff.left_at = timezone.now()
    staff.successor = successor
    staff.save(update_fields=["left_at", "successor", "updated_at"])
    user = staff.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    # Anyone who named this person as successor now hands over to the new one.
    Staff.objects.filter(successor=staff).update(successor=successor)
    org_signals.staff_left.send(sender=Staff, staff=staff, successor=successor, actor=actor)
    audit_record(
        actor=actor, action="staff.leave", target=staff, detail={"successor": successor.pk if successor else None}
    )
    return staff


@transaction.atomic
def one_time_passwords_issue(*, staff: list[Staff], actor: Staff | None) -> list[tuple[Staff, str]]:
    """Issue one-time passwords to many staff at once (e.g. everyone just imported). Audited once."""
    from django.contrib.auth import get_user_model

    issued, users = [], []
    for member in staff:
        password = one_time_password_new()
        member.user.password = one_time_password_hash(password)
        member.must_change_password = True
        users.append(member.user)
        issued.append((member, password))
    get_user_model().objects.bulk_update(users, ["password"], batch_size=1000)
    Staff.objects.filter(pk__in=[m.pk for m in staff]).update(must_change_password=True, updated_at=timezone.now())
    if actor is not None:
        audit_record(actor=actor, action="password.issue_bulk", target=actor, detail={"count": len(issued)})
    return issued


def staff_profile_update(*, staff: Staff, form) -> Staff:
    """Save what staff may change about themselves (photo, WeChat ID, mobile)."""
    form.save()
    return staff
