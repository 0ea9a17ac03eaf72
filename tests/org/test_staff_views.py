"""The workspace's staff pages: who sees whom, one-time passwords, departures, sections, profile."""

import csv
import io
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from PIL import Image

from org.models import AuditLog, Branch, Staff
from tests.factories import PASSWORD, BranchFactory, StaffFactory, UserFactory

STAFF_LIST = "/workspace/staff/"
BULK_PASSWORDS = "/workspace/staff/passwords/"


def detail_url(staff: Staff) -> str:
    return f"/workspace/staff/{staff.pk}/"


def login_post(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def fresh_client(bank_client: Client) -> Client:
    return Client(HTTP_HOST=bank_client.defaults["HTTP_HOST"])


def without_password(staff: Staff) -> Staff:
    """As an imported colleague who has never been given a password."""
    staff.user.set_unusable_password()
    staff.user.save(update_fields=["password"])
    return staff


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def listed(response) -> set[str]:
    """Names of the people linked in a staff list (the search box echoes the query, so look at links)."""
    return set(re.findall(r'<a href="/workspace/staff/\d+/">([^<]+)</a>', response.content.decode()))


def png_bytes(size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def org(bank):
    """HQ ─┬─ 0101 (branch head + staff) ── 0101001 (sub-branch staff)
    ├─ 01011 (a sibling whose code starts like 0101: must stay out of 0101's scope)
    └─ 0102 (sibling)"""
    branch = BranchFactory(code="0101", name="八一支行")
    sub_branch = BranchFactory(code="0101001", name="八一支行营业部", parent=branch)
    look_alike = BranchFactory(code="01011", name="相似编码支行")
    sibling = BranchFactory(code="0102", name="青山湖支行")
    return {
        "head": StaffFactory(branch=branch, role=Staff.Role.BRANCH_HEAD, name="王行长"),
        "manager": StaffFactory(branch=branch, name="李经理"),
        "sub": StaffFactory(branch=sub_branch, name="赵经理"),
        "look_alike": StaffFactory(branch=look_alike, name="钱经理"),
        "sibling": StaffFactory(branch=sibling, name="孙经理"),
        "hq": StaffFactory(branch=Branch.objects.get(code="HQ"), role=Staff.Role.HQ_ADMIN, name="总行管理员甲"),
    }


# --- Who sees whom ---------------------------------------------------------------------------------


def test_manager_gets_403_on_staff_pages(bank_client, org):
    bank_client.force_login(org["manager"].user)

    assert bank_client.get(STAFF_LIST).status_code == 403
    assert bank_client.get(detail_url(org["manager"])).status_code == 403
    assert bank_client.get(detail_url(org["sub"])).status_code == 403
    assert bank_client.post(detail_url(org["sub"]), {"action": "password"}).status_code == 403
    assert bank_client.post(BULK_PASSWORDS).status_code == 403


def test_branch_head_sees_their_branch_and_sub_branches_only(bank_client, org):
    bank_client.force_login(org["head"].user)

    names = listed(bank_client.get(STAFF_LIST))

    assert names == {org[key].name for key in ("head", "manager", "sub")}


def test_branch_head_gets_404_for_staff_outside_their_scope(bank_client, org):
    bank_client.force_login(org["head"].user)

    assert bank_client.get(detail_url(org["sub"])).status_code == 200
    for key in ("look_alike", "sibling", "hq"):
        assert bank_client.get(detail_url(org[key])).status_code == 404, key
    missing = Staff.objects.order_by("-pk").first().pk + 1000
    assert bank_client.get(f"/workspace/staff/{missing}/").status_code == 404


def test_branch_head_cannot_issue_password_outside_their_scope(bank_client, org):
    bank_client.force_login(org["head"].user)
    sibling = org["sibling"]

    response = bank_client.post(detail_url(sibling), {"action": "password"})

    assert response.status_code == 404
    sibling.refresh_from_db()
    assert sibling.must_change_password is False
    assert sibling.user.check_password(PASSWORD)
    assert not AuditLog.objects.filter(action="password.issue", target_id=str(sibling.pk)).exists()


def test_head_office_admin_sees_everyone(bank_client, org):
    bank_client.force_login(org["hq"].user)

    names = listed(bank_client.get(STAFF_LIST))

    assert {member.name for member in org.values()} <= names
    for key, member in org.items():
        assert bank_client.get(detail_url(member)).status_code == 200, key


def test_staff_list_search_matches_name_employee_number_and_branch(bank_client, org):
    bank_client.force_login(org["hq"].user)

    assert listed(bank_client.get(STAFF_LIST, {"q": "赵经理"})) == {"赵经理"}
    assert listed(bank_client.get(STAFF_LIST, {"q": org["sibling"].employee_no})) == {"孙经理"}
    assert listed(bank_client.get(STAFF_LIST, {"q": "青山湖"})) == {"孙经理"}
    assert listed(bank_client.get(STAFF_LIST, {"q": "没有这个人"})) == set()


def test_staff_list_search_stays_inside_the_branch_heads_scope(bank_client, org):
    bank_client.force_login(org["head"].user)

    assert listed(bank_client.get(STAFF_LIST, {"q": "孙经理"})) == set()
    assert listed(bank_client.get(STAFF_LIST, {"q": "经理"})) == {"李经理", "赵经理"}


def test_staff_list_htmx_request_returns_only_the_results_fragment(bank_client, org):
    bank_client.force_login(org["hq"].user)

    response = bank_client.get(STAFF_LIST, {"q": "赵"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results">')
    assert listed(response) == {"赵经理"}
    assert "<html" not in body
    assert 'role="search"' not in body
    assert 'class="sections"' not in body


def test_staff_list_full_page_has_search_form_and_results(bank_client, org):
    bank_client.force_login(org["hq"].user)

    body = bank_client.get(STAFF_LIST, {"q": "赵"}).content.decode()

    assert "<html" in body
    assert 'role="search"' in body
    assert 'id="results"' in body


# --- One-time passwords ----------------------------------------------------------------------------


def test_branch_head_issues_one_time_password_for_staff_in_sub_branch(bank_client, org):
    bank_client.force_login(org["head"].user)
    member = org["sub"]

    response = bank_client.post(detail_url(member), {"action": "password"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = re.search(r'class="otp mono">([^<]+)<', response.content.decode()).group(1)
    member.user.refresh_from_db()
    assert member.user.check_password(password)
    assert AuditLog.objects.filter(action="password.issue", target_id=str(member.pk), actor=org["head"]).count() == 1


def test_branch_head_cannot_take_over_a_head_office_admin_in_their_branch(bank_client, org):
    """Whoever issues a one-time password can log in with it: a branch head must not be able to do
    that to a head-office admin who happens to sit in their branch."""
    admin_here = StaffFactory(branch=org["sub"].branch, role=Staff.Role.HQ_ADMIN, name="驻点管理员")
    without_password(StaffFactory(branch=org["sub"].branch, role=Staff.Role.HQ_ADMIN, name="新来的管理员"))
    bank_client.force_login(org["head"].user)

    page = bank_client.get(detail_url(admin_here))
    response = bank_client.post(detail_url(admin_here), {"action": "password"})
    export = bank_client.post(BULK_PASSWORDS)

    assert page.status_code == 200
    assert 'value="password"' not in page.content.decode()
    assert response.status_code == 403
    admin_here.user.refresh_from_db()
    assert admin_here.user.check_password(PASSWORD)
    assert not AuditLog.objects.filter(action="password.issue", target_id=str(admin_here.pk)).exists()
    assert csv_rows(export)[1:] == []


def test_head_office_admin_issues_a_one_time_password_to_another_admin(bank_client, org):
    colleague = StaffFactory(branch=org["hq"].branch, role=Staff.Role.HQ_ADMIN)
    bank_client.force_login(org["hq"].user)

    response = bank_client.post(detail_url(colleague), {"action": "password"})

    assert response.status_code == 200
    assert 'class="otp mono"' in response.content.decode()


def test_staff_detail_without_a_password_is_not_marked_no_store(bank_client, org):
    bank_client.force_login(org["head"].user)

    response = bank_client.get(detail_url(org["manager"]))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_unknown_action_is_forbidden(bank_client, org):
    bank_client.force_login(org["hq"].user)

    assert bank_client.post(detail_url(org["manager"]), {"action": "promote"}).status_code == 403


def test_bulk_passwords_csv_covers_only_in_scope_staff_without_a_password(bank_client, org):
    awaiting_here = without_password(StaffFactory(branch=org["sub"].branch, name="新员工"))
    awaiting_elsewhere = without_password(StaffFactory(branch=org["sibling"].branch, name="别处新员工"))
    departed = without_password(StaffFactory(branch=org["manager"].branch))
    Staff.objects.filter(pk=departed.pk).update(left_at="2024-01-01T00:00:00+08:00")
    bank_client.force_login(org["head"].user)

    assert str(1) in bank_client.get(STAFF_LIST).content.decode()  # "1 colleague has no password yet"
    response = bank_client.post(BULK_PASSWORDS)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = csv_rows(response)
    assert len(header) == 4
    assert [row[0] for row in rows] == [awaiting_here.employee_no]
    number, name, branch, password = rows[0]
    assert (name, branch) == ("新员工", awaiting_here.branch.name)
    awaiting_here.refresh_from_db()
    assert awaiting_here.must_change_password is True
    for untouched in (awaiting_elsewhere, departed):
        untouched.user.refresh_from_db()
        assert not untouched.user.has_usable_password()
    # Colleagues who already have a password keep it.
    org["manager"].user.refresh_from_db()
    assert org["manager"].user.check_password(PASSWORD)
    assert AuditLog.objects.filter(action="password.issue_bulk", actor=org["head"]).exists()

    browser = fresh_client(bank_client)
    assert login_post(browser, number, password).status_code == 302
    # A second export has nobody left to issue to.
    assert csv_rows(bank_client.post(BULK_PASSWORDS))[1:] == []


def test_bulk_passwords_is_post_only(bank_client, org):
    bank_client.force_login(org["hq"].user)

    assert bank_client.get(BULK_PASSWORDS).status_code == 405


# --- Departure -------------------------------------------------------------------------------------


def test_branch_head_cannot_record_a_departure(bank_client, org):
    bank_client.force_login(org["head"].user)
    member = org["manager"]

    page = bank_client.get(detail_url(member)).content.decode()
    response = bank_client.post(
        detail_url(member), {"action": "leave", "successor_employee_no": org["sub"].employee_no}
    )

    assert 'value="leave"' not in page
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.left_at is None


def test_head_office_admin_cannot_record_their_own_departure(bank_client, org):
    bank_client.force_login(org["hq"].user)

    response = bank_client.post(detail_url(org["hq"]), {"action": "leave", "successor_employee_no": ""})

    assert response.status_code == 403
    org["hq"].refresh_from_db()
    assert org["hq"].left_at is None


def test_departure_hands_the_public_link_to_the_successor(bank_client, org):
    leaver, successor = org["manager"], org["sub"]
    old_session = fresh_client(bank_client)
    old_session.force_login(leaver.user)
    assert old_session.get("/workspace/").status_code == 200
    bank_client.force_login(org["hq"].user)

    response = bank_client.post(
        detail_url(leaver), {"action": "leave", "successor_employee_no": f" {successor.employee_no} "}
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(leaver)
    leaver.refresh_from_db()
    assert leaver.left_at is not None
    assert leaver.successor == successor
    assert leaver.user.is_active is False
    audit = AuditLog.objects.get(action="staff.leave", target_id=str(leaver.pk))
    assert audit.actor == org["hq"]
    assert audit.detail == {"successor": successor.pk}

    # They can no longer log in, and their open session is gone at the next request.
    assert login_post(fresh_client(bank_client), leaver.employee_no, PASSWORD).status_code == 200
    response = old_session.get("/workspace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert response.wsgi_request.user.is_anonymous

    # Their public link still answers, and leads to the successor.
    card = bank_client.get(f"/s/{leaver.code}")
    assert card.status_code == 200
    body = card.content.decode()
    assert successor.name in body
    assert f'href="/s/{successor.code}"' in body


def test_departure_without_successor_is_allowed(bank_client, org):
    leaver = org["sibling"]
    bank_client.force_login(org["hq"].user)

    response = bank_client.post(detail_url(leaver), {"action": "leave", "successor_employee_no": ""})

    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.has_left and leaver.successor is None
    assert bank_client.get(f"/s/{leaver.code}").status_code == 200


def test_departed_colleague_is_shown_as_left_and_gets_no_more_passwords(bank_client, org):
    leaver = org["sibling"]
    bank_client.force_login(org["hq"].user)
    bank_client.post(detail_url(leaver), {"action": "leave", "successor_employee_no": org["manager"].employee_no})

    response = bank_client.post(detail_url(leaver), {"action": "password"})

    assert response.status_code == 200
    assert 'class="otp' not in response.content.decode()
    assert not AuditLog.objects.filter(action="password.issue", target_id=str(leaver.pk)).exists()
    leaver.user.refresh_from_db()
    assert leaver.user.check_password(PASSWORD)


@pytest.mark.parametrize("successor", ["unknown", "self", "departed", "other_bank"])
def test_departure_with_an_unacceptable_successor_is_a_form_error(bank_client, org, in_other_bank, successor):
    leaver = org["manager"]
    if successor == "unknown":
        number = "NO-SUCH-NO"
    elif successor == "self":
        number = leaver.employee_no
    elif successor == "departed":
        gone = StaffFactory(branch=leaver.branch)
        Staff.objects.filter(pk=gone.pk).update(left_at="2024-01-01T00:00:00+08:00")
        number = gone.employee_no
    else:
        with in_other_bank():
            number = StaffFactory(employee_no="E-ELSEWHERE").employee_no
    bank_client.force_login(org["hq"].user)

    response = bank_client.post(detail_url(leaver), {"action": "leave", "successor_employee_no": number})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error" role="alert"' in body
    leaver.refresh_from_db()
    assert leaver.left_at is None
    assert leaver.user.is_active
    assert not AuditLog.objects.filter(action="staff.leave").exists()


# --- Workspace sections by role --------------------------------------------------------------------


def hrefs(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


def test_manager_workspace_shows_their_card_but_no_staff_or_import(bank_client, org):
    bank_client.force_login(org["manager"].user)

    response = bank_client.get("/workspace/")

    assert response.status_code == 200
    links = hrefs(response)
    assert "/workspace/profile/" in links
    assert STAFF_LIST not in links
    assert "/workspace/import/" not in links
    assert "/cms/" not in links
    assert f"/s/{org['manager'].code}" in response.content.decode()


def test_branch_head_workspace_shows_staff_but_not_import_or_cms(bank_client, org):
    bank_client.force_login(org["head"].user)

    links = hrefs(bank_client.get("/workspace/"))

    assert {"/workspace/profile/", STAFF_LIST} <= links
    assert "/workspace/import/" not in links
    assert "/cms/" not in links


def test_head_office_admin_workspace_shows_staff_import_and_cms(bank_client, org):
    bank_client.force_login(org["hq"].user)

    links = hrefs(bank_client.get("/workspace/"))

    assert {"/workspace/profile/", STAFF_LIST, "/workspace/import/", "/cms/"} <= links


def test_head_office_admin_reaches_the_cms_and_managers_do_not(bank_client, org):
    bank_client.force_login(org["hq"].user)
    assert bank_client.get("/cms/").status_code == 200

    manager_client = fresh_client(bank_client)
    manager_client.force_login(org["manager"].user)
    assert manager_client.get("/cms/").status_code != 200
    assert manager_client.get("/workspace/import/").status_code == 403


def test_logged_in_user_without_staff_record_gets_403_on_workspace(bank, bank_client):
    user = UserFactory(username="not-staff")
    bank_client.force_login(user)

    response = bank_client.get("/workspace/")

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert bank_client.get("/workspace/profile/").status_code == 403


# --- Profile ---------------------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    # django-tenants' storage caches the root it derives; changing this setting clears the cache.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


def test_staff_uploads_a_photo_and_sets_wechat_id(bank, bank_client, media_root):
    staff = StaffFactory()
    bank_client.force_login(staff.user)
    photo = io.BytesIO(png_bytes())
    photo.name = "me.png"

    response = bank_client.post(
        "/workspace/profile/", {"photo": photo, "wechat_id": "wx_li_2024", "mobile": "139 0000 1111"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/profile/"
    staff.refresh_from_db()
    assert staff.wechat_id == "wx_li_2024"
    assert staff.mobile == "13900001111"
    assert staff.photo.name.startswith("staff/")
    assert (media_root / bank.schema_name / staff.photo.name).is_file()
    card = bank_client.get(f"/s/{staff.code}").content.decode()
    assert staff.photo.url in card
    assert "wx_li_2024" in card


def test_profile_refuses_a_file_that_is_not_an_image(bank, bank_client, media_root):
    staff = StaffFactory()
    bank_client.force_login(staff.user)
    fake = io.BytesIO(b"not an image at all")
    fake.name = "me.png"

    response = bank_client.post("/workspace/profile/", {"photo": fake, "wechat_id": "", "mobile": ""})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    staff.refresh_from_db()
    assert not staff.photo


def test_bad_mobile_is_a_form_error(bank, bank_client):
    staff = StaffFactory(mobile="13800138000")
    bank_client.force_login(staff.user)

    response = bank_client.post("/workspace/profile/", {"wechat_id": "wx", "mobile": "12345"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    staff.refresh_from_db()
    assert staff.mobile == "13800138000"
    assert staff.wechat_id == ""


def test_name_and_title_cannot_be_changed_from_the_profile(bank, bank_client):
    staff = StaffFactory(name="李经理", title="客户经理")
    bank_client.force_login(staff.user)

    response = bank_client.post(
        "/workspace/profile/",
        {
            "name": "冒充行长",
            "title": "行长",
            "role": Staff.Role.HQ_ADMIN,
            "employee_no": "hacked",
            "licence_no": "X",
            "wechat_id": "wx_ok",
            "mobile": "",
        },
    )

    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.name, staff.title, staff.role, staff.licence_no) == ("李经理", "客户经理", Staff.Role.MANAGER, "")
    assert staff.employee_no != "hacked"
    assert staff.wechat_id == "wx_ok"


def test_profile_needs_a_login(bank, bank_client):
    response = bank_client.get("/workspace/profile/")

    assert response.status_code == 302
    assert SESSION_KEY not in bank_client.session
