"""Logging in at a bank's host: passwords, lockout (django-axes), one-time passwords, logout.

Logins go through a real POST to /accounts/login/: django-axes needs the request, so
`client.login()` cannot be used for these.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from org.models import AuditLog, Staff
from tests.factories import PASSWORD, BranchFactory, StaffFactory

LOGIN = "/accounts/login/"
PASSWORD_CHANGE = "/accounts/password/change/"
NEW_PASSWORD = "Lantern-river-2049"
# django-axes 8 answers a locked-out login with AXES_HTTP_RESPONSE_CODE, 429 unless configured.
LOCKED_OUT = 429


def login(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def is_logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def one_time_password_in(response) -> str:
    match = re.search(r'class="otp mono">\s*([^<\s]+)\s*<', response.content.decode())
    assert match, "the one-time password is not on the page"
    return match.group(1)


def fresh_client(bank_client: Client) -> Client:
    """Another browser at the same bank host."""
    return Client(HTTP_HOST=bank_client.defaults["HTTP_HOST"])


# --- Password login --------------------------------------------------------------------------------


def test_login_with_employee_number_and_password_opens_workspace(bank, bank_client):
    staff = StaffFactory()

    response = login(bank_client, staff.employee_no, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    assert is_logged_in(bank_client)
    assert bank_client.get("/workspace/").status_code == 200


def test_login_page_answers_at_the_bank_host(bank, bank_client):
    response = bank_client.get(LOGIN)

    assert response.status_code == 200
    assert bank.name in response.content.decode()
    assert 'name="username"' in response.content.decode()


def test_wrong_password_shows_the_form_again(bank, bank_client):
    staff = StaffFactory()

    response = login(bank_client, staff.employee_no, "not-the-password")

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not is_logged_in(bank_client)


def test_unknown_employee_number_shows_the_form_again(bank, bank_client):
    response = login(bank_client, "NOBODY404", PASSWORD)

    assert response.status_code == 200
    assert not is_logged_in(bank_client)


def test_login_next_cannot_redirect_off_site(bank, bank_client):
    staff = StaffFactory()

    response = bank_client.post(
        f"{LOGIN}?next=https://evil.example/", {"username": staff.employee_no, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"


def test_login_follows_a_local_next(bank, bank_client):
    staff = StaffFactory()

    response = bank_client.post(
        f"{LOGIN}?next=/workspace/profile/", {"username": staff.employee_no, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/profile/"


def test_workspace_asks_anonymous_visitors_to_log_in(bank, bank_client):
    response = bank_client.get("/workspace/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=/workspace/")


# --- Lockout (django-axes) -------------------------------------------------------------------------


def test_account_is_locked_after_failure_limit_even_with_the_right_password(bank, bank_client):
    staff = StaffFactory()
    limit = settings.AXES_FAILURE_LIMIT

    for _attempt in range(limit - 1):
        assert login(bank_client, staff.employee_no, "wrong-guess").status_code == 200
    assert login(bank_client, staff.employee_no, "wrong-guess").status_code == LOCKED_OUT

    response = login(bank_client, staff.employee_no, PASSWORD)

    assert response.status_code == LOCKED_OUT
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert not is_logged_in(bank_client)


def test_successful_login_resets_the_failure_count(bank, bank_client):
    staff = StaffFactory()
    limit = settings.AXES_FAILURE_LIMIT

    for _attempt in range(limit - 1):
        login(bank_client, staff.employee_no, "wrong-guess")
    assert login(bank_client, staff.employee_no, PASSWORD).status_code == 302
    bank_client.post("/accounts/logout/")

    for _attempt in range(limit - 1):
        assert login(bank_client, staff.employee_no, "wrong-guess").status_code == 200
    assert login(bank_client, staff.employee_no, PASSWORD).status_code == 302


def test_lockout_of_one_account_leaves_colleagues_alone(bank, bank_client):
    locked, colleague = StaffFactory(), StaffFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(bank_client, locked.employee_no, "wrong-guess")

    assert login(bank_client, colleague.employee_no, PASSWORD).status_code == 302


def test_lockout_at_one_bank_does_not_lock_the_same_username_at_another(bank, bank_client, other_client, in_other_bank):
    StaffFactory(employee_no="E-LOCK-1")
    with in_other_bank():
        StaffFactory(employee_no="E-LOCK-1")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(bank_client, "E-LOCK-1", "wrong-guess")
    assert login(bank_client, "E-LOCK-1", PASSWORD).status_code == LOCKED_OUT

    response = login(other_client, "E-LOCK-1", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"


# --- Logout ----------------------------------------------------------------------------------------


def test_logout_is_a_post_and_ends_the_session(bank, bank_client):
    staff = StaffFactory()
    bank_client.force_login(staff.user)

    assert bank_client.get("/accounts/logout/").status_code == 405
    assert is_logged_in(bank_client)

    response = bank_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not is_logged_in(bank_client)
    assert bank_client.get("/workspace/").status_code == 302


# --- One-time passwords ----------------------------------------------------------------------------


@pytest.fixture
def head_and_member(bank):
    branch = BranchFactory()
    head = StaffFactory(branch=branch, role=Staff.Role.BRANCH_HEAD)
    member = StaffFactory(branch=branch)
    return head, member


def issue_one_time_password(client: Client, head: Staff, member: Staff) -> str:
    client.force_login(head.user)
    response = client.post(f"/workspace/staff/{member.pk}/", {"action": "password"})
    assert response.status_code == 200
    return one_time_password_in(response)


def test_one_time_password_is_shown_once_uncached_and_audited(bank, bank_client, head_and_member):
    head, member = head_and_member
    bank_client.force_login(head.user)

    response = bank_client.post(f"/workspace/staff/{member.pk}/", {"action": "password"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = one_time_password_in(response)
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.must_change_password is True
    assert member.user.check_password(password)
    assert not member.user.check_password(PASSWORD)
    assert password not in member.user.password  # only its hash is kept
    audit = AuditLog.objects.get(action="password.issue", target_id=str(member.pk))
    assert audit.actor == head
    assert audit.target_type == "staff"
    assert password not in str(audit.detail)
    # Looking at the page again does not show it.
    again = bank_client.get(f"/workspace/staff/{member.pk}/")
    assert password not in again.content.decode()
    assert 'class="otp' not in again.content.decode()


def test_one_time_password_login_must_choose_a_new_password_before_the_workspace(bank, bank_client, head_and_member):
    head, member = head_and_member
    password = issue_one_time_password(bank_client, head, member)
    browser = fresh_client(bank_client)

    response = login(browser, member.employee_no, password)

    assert response.status_code == 302
    assert is_logged_in(browser)
    for page in ("/workspace/", "/workspace/profile/", "/workspace/staff/"):
        response = browser.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == f"{PASSWORD_CHANGE}?next={page}"
    form = browser.get(f"{PASSWORD_CHANGE}?next=/workspace/")
    assert form.status_code == 200
    assert 'name="old_password"' not in form.content.decode()


def test_after_choosing_a_password_workspace_works_and_one_time_password_is_dead(bank, bank_client, head_and_member):
    head, member = head_and_member
    password = issue_one_time_password(bank_client, head, member)
    browser = fresh_client(bank_client)
    login(browser, member.employee_no, password)

    response = browser.post(
        f"{PASSWORD_CHANGE}?next=/workspace/profile/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/profile/"
    member.refresh_from_db()
    assert member.must_change_password is False
    assert browser.get("/workspace/").status_code == 200  # still logged in after the change
    assert browser.get("/workspace/profile/").status_code == 200

    stale = fresh_client(bank_client)
    assert login(stale, member.employee_no, password).status_code == 200
    assert not is_logged_in(stale)
    assert login(stale, member.employee_no, NEW_PASSWORD).status_code == 302


def test_weak_or_mismatched_new_password_is_refused(bank, bank_client, head_and_member):
    head, member = head_and_member
    password = issue_one_time_password(bank_client, head, member)
    browser = fresh_client(bank_client)
    login(browser, member.employee_no, password)

    mismatch = browser.post(PASSWORD_CHANGE, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    weak = browser.post(PASSWORD_CHANGE, {"new_password1": "12345678", "new_password2": "12345678"})

    assert mismatch.status_code == 200
    assert 'role="alert"' in mismatch.content.decode()
    assert weak.status_code == 200
    assert 'role="alert"' in weak.content.decode()
    member.refresh_from_db()
    assert member.must_change_password is True
    assert browser.get("/workspace/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http://evil.example/workspace/"])
def test_password_change_next_cannot_redirect_off_site(bank, bank_client, target):
    staff = StaffFactory(must_change_password=True)
    bank_client.force_login(staff.user)

    response = bank_client.post(
        f"{PASSWORD_CHANGE}?next={target}", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"


def test_password_change_needs_a_login(bank, bank_client):
    response = bank_client.get(PASSWORD_CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_bulk_one_time_passwords_let_imported_staff_log_in(bank, bank_client):
    branch = BranchFactory()
    head = StaffFactory(branch=branch, role=Staff.Role.BRANCH_HEAD)
    imported = StaffFactory(branch=branch)
    imported.user.set_unusable_password()
    imported.user.save(update_fields=["password"])
    bank_client.force_login(head.user)

    response = bank_client.post("/workspace/staff/passwords/")

    assert response.status_code == 200
    rows = [line.split(",") for line in response.content.decode("utf-8-sig").strip().splitlines()[1:]]
    password = next(row[3] for row in rows if row[0] == imported.employee_no)
    browser = fresh_client(bank_client)
    assert login(browser, imported.employee_no, password).status_code == 302
    assert browser.get("/workspace/")["Location"] == f"{PASSWORD_CHANGE}?next=/workspace/"


def test_a_voluntary_password_change_asks_for_the_current_password(bank, bank_client):
    member = StaffFactory()
    bank_client.force_login(member.user)
    new = {"new_password1": "Lantern-harbour-77", "new_password2": "Lantern-harbour-77"}
    refused = bank_client.post("/accounts/password/change/", new)
    assert refused.status_code == 200
    assert "old_password" in refused.context["form"].errors
    accepted = bank_client.post("/accounts/password/change/", {**new, "old_password": PASSWORD})
    assert accepted.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password("Lantern-harbour-77")
