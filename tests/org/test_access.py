"""The scope rules in org/access.py: a manager sees themself, a branch head their branch and
everything under it (by path prefix), head office the whole bank; out of scope looks like missing."""

import pytest
from django.http import Http404

from org import access
from org.models import Branch, Staff
from tests.factories import BranchFactory, StaffFactory


@pytest.fixture
def tree(bank):
    """HQ ─┬─ 0101 ── 0101001 ── 0101001A
    ├─ 01011   (code starts like 0101, but is not under it)
    └─ 0102"""
    hq = Branch.objects.get(code="HQ")
    b0101 = BranchFactory(code="0101")
    b0101001 = BranchFactory(code="0101001", parent=b0101)
    b0101001a = BranchFactory(code="0101001A", parent=b0101001)
    b01011 = BranchFactory(code="01011")
    b0102 = BranchFactory(code="0102")
    return {
        "hq": hq,
        "0101": b0101,
        "0101001": b0101001,
        "0101001A": b0101001a,
        "01011": b01011,
        "0102": b0102,
    }


@pytest.fixture
def people(tree):
    return {
        "admin": StaffFactory(branch=tree["hq"], role=Staff.Role.HQ_ADMIN),
        "head": StaffFactory(branch=tree["0101"], role=Staff.Role.BRANCH_HEAD),
        "manager": StaffFactory(branch=tree["0101"]),
        "colleague": StaffFactory(branch=tree["0101"]),
        "sub": StaffFactory(branch=tree["0101001"]),
        "subsub": StaffFactory(branch=tree["0101001A"]),
        "sub_head": StaffFactory(branch=tree["0101001"], role=Staff.Role.BRANCH_HEAD),
        "look_alike": StaffFactory(branch=tree["01011"]),
        "sibling": StaffFactory(branch=tree["0102"]),
    }


def visible_keys(people, viewer) -> set[str]:
    pks = set(access.staff_visible(viewer=viewer).values_list("pk", flat=True))
    return {key for key, member in people.items() if member.pk in pks}


def test_manager_sees_only_themself(people):
    assert visible_keys(people, people["manager"]) == {"manager"}


def test_branch_head_sees_branch_and_everything_under_it(people):
    assert visible_keys(people, people["head"]) == {"head", "manager", "colleague", "sub", "subsub", "sub_head"}


def test_sub_branch_head_does_not_see_upwards(people):
    assert visible_keys(people, people["sub_head"]) == {"sub", "subsub", "sub_head"}


def test_head_office_admin_sees_everyone(people):
    assert visible_keys(people, people["admin"]) == set(people)


def test_branches_visible_follow_the_same_prefix(tree, people):
    def codes(viewer):
        return set(access.branches_visible(viewer=viewer).values_list("code", flat=True))

    assert codes(people["head"]) == {"0101", "0101001", "0101001A"}
    assert codes(people["sub_head"]) == {"0101001", "0101001A"}
    assert codes(people["admin"]) >= {branch.code for branch in tree.values()}


def test_access_staff_returns_someone_in_scope(people):
    assert access.access_staff(viewer=people["head"], staff_id=people["subsub"].pk) == people["subsub"]


@pytest.mark.parametrize("target", ["look_alike", "sibling", "admin"])
def test_access_staff_outside_scope_is_404(people, target):
    with pytest.raises(Http404):
        access.access_staff(viewer=people["head"], staff_id=people[target].pk)


def test_manager_cannot_reach_a_colleague_by_id(people):
    with pytest.raises(Http404):
        access.access_staff(viewer=people["manager"], staff_id=people["colleague"].pk)


@pytest.mark.parametrize("staff_id", [0, -1, 10**12, "abc", None])
def test_access_staff_for_missing_or_malformed_id_is_404(people, staff_id):
    with pytest.raises(Http404):
        access.access_staff(viewer=people["admin"], staff_id=staff_id)


def test_out_of_scope_and_missing_look_the_same(people):
    """Same exception, same message: guessing ids tells nothing about who exists."""
    errors = []
    for staff_id in (people["sibling"].pk, Staff.objects.order_by("-pk").first().pk + 1):
        with pytest.raises(Http404) as caught:
            access.access_staff(viewer=people["head"], staff_id=staff_id)
        errors.append((type(caught.value), str(caught.value)))
    assert errors[0] == errors[1]


@pytest.mark.parametrize(
    ("role", "manage", "import_org", "departure"),
    [
        (Staff.Role.MANAGER, False, False, False),
        (Staff.Role.BRANCH_HEAD, True, False, False),
        (Staff.Role.HQ_ADMIN, True, True, True),
    ],
)
def test_what_each_role_may_do(bank, role, manage, import_org, departure):
    viewer = StaffFactory(role=role)

    assert access.can_manage_staff(viewer=viewer) is manage
    assert access.can_import_org(viewer=viewer) is import_org
    assert access.can_record_departure(viewer=viewer) is departure


def test_branch_head_may_issue_passwords_in_scope_but_never_to_head_office(tree, people):
    admin_below = StaffFactory(branch=tree["0101001"], role=Staff.Role.HQ_ADMIN)
    head = people["head"]

    assert access.can_issue_password(viewer=head, member=people["subsub"])
    assert access.can_issue_password(viewer=head, member=people["sub_head"])
    assert not access.can_issue_password(viewer=head, member=people["sibling"])
    assert not access.can_issue_password(viewer=head, member=admin_below)
    assert access.can_issue_password(viewer=people["admin"], member=admin_below)


def test_manager_may_issue_no_passwords(people):
    assert not access.can_issue_password(viewer=people["manager"], member=people["manager"])
    assert not access.staff_password_issuable(viewer=people["manager"]).exists()
