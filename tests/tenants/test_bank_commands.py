"""The platform operators' commands: bank_list, bank_create, bank_delete.

Creating and dropping a schema is DDL; PostgreSQL runs it inside the test's transaction, so these
tests use the `db` fixture and roll back, and still delete what they create in `finally` so that a
failing test cannot leave a bank behind for the next one. (`transactional_db` is no option: its
flush would empty the public schema's banks that the whole run shares.)
"""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context
from wagtail.models import Site

from org.models import Branch, Staff
from tenants.middleware import bank_cache_clear
from tenants.models import Bank, Domain
from tenants.services import bank_create, bank_delete

TMP_SLUG = "tmpbank"


def schema_in_database(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def deferred_checks_run() -> None:
    """Run the foreign-key checks PostgreSQL defers to commit. In production `bank_create` has
    committed long before anyone deletes the bank; inside one test transaction its rows still have
    pending trigger events, and PostgreSQL refuses to drop tables that have them."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def tmp_bank_remove() -> None:
    connection.set_schema_to_public()
    leftover = Bank.objects.filter(slug=TMP_SLUG, kind=Bank.Kind.BANK).first()
    if leftover is not None:
        deferred_checks_run()
        bank_delete(bank=leftover)


def run(*args, **options) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def command_error(*args, **options) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args, **options)
    return str(caught.value)


@pytest.fixture
def platform(test_banks, db):
    """The public schema, with the test banks in place; anything named TMP_SLUG removed afterwards."""
    connection.set_schema_to_public()
    try:
        yield test_banks
    finally:
        tmp_bank_remove()
        bank_cache_clear()


def test_bank_list_lists_the_banks_and_their_domains(platform):
    output = run("bank_list")

    lines = output.splitlines()
    testbank = next(line for line in lines if line.startswith("testbank "))
    assert "测试农商银行" in testbank
    assert f"testbank.{settings.BASE_DOMAIN}" in testbank
    assert any(line.startswith("otherbank ") for line in lines)
    assert lines[-1] == f"{Bank.objects.filter(kind=Bank.Kind.BANK).count()} bank(s)"


def test_bank_list_hides_the_platform_template_and_spares(platform):
    output = run("bank_list")

    assert "_platform" not in output
    assert "_template" not in output
    assert "_spare" not in output


@pytest.mark.parametrize("slug", ["Bad", "9bank", "a", "tmp-bank", "tmp_bank", "x" * 31, "银行"])
def test_bank_create_refuses_a_malformed_slug(platform, slug):
    message = command_error("bank_create", slug=slug, name="临时银行", no_refill=True)

    assert "lowercase letters or digits" in message
    assert not Bank.objects.filter(slug=slug).exists()


@pytest.mark.parametrize("slug", ["public", "www", "admin", "template"])
def test_bank_create_refuses_a_reserved_slug(platform, slug):
    message = command_error("bank_create", slug=slug, name="临时银行", no_refill=True)

    assert message == f"“{slug}” is reserved."
    assert not Bank.objects.filter(slug=slug).exists()


def test_bank_create_refuses_a_duplicate_slug(platform):
    message = command_error("bank_create", slug="testbank", name="重名银行", no_refill=True)

    assert message == "A bank with the slug “testbank” already exists."
    assert Bank.objects.get(slug="testbank").name == "测试农商银行"


def test_bank_create_refuses_a_domain_in_use(platform):
    message = command_error(
        "bank_create", slug=TMP_SLUG, name="临时银行", domain=f"testbank.{settings.BASE_DOMAIN}", no_refill=True
    )

    assert message == f"The domain “testbank.{settings.BASE_DOMAIN}” is already in use."
    assert not Bank.objects.filter(slug=TMP_SLUG).exists()
    assert not schema_in_database(TMP_SLUG)


def test_bank_create_refuses_an_empty_name(platform):
    message = command_error("bank_create", slug=TMP_SLUG, name="   ", no_refill=True)

    assert message == "A bank needs a name."
    assert not schema_in_database(TMP_SLUG)


def test_bank_create_then_delete_provisions_and_removes_everything(platform):
    domain = f"{TMP_SLUG}.{settings.BASE_DOMAIN}"
    assert not schema_in_database(TMP_SLUG)
    try:
        output = run("bank_create", slug=TMP_SLUG, name="临时农商银行", no_refill=True)

        password = re.search(r"one-time password .*: (\S+)$", output, re.MULTILINE).group(1)
        assert output.count(password) == 1
        assert "  login:    admin" in output
        assert f"http://{domain}/" in output
        bank = Bank.objects.get(slug=TMP_SLUG)
        assert bank.kind == Bank.Kind.BANK
        assert bank.name == "临时农商银行"
        assert schema_in_database(bank.schema_name)
        assert Domain.objects.get(domain=domain).tenant == bank
        assert bank.get_primary_domain().domain == domain

        with schema_context(bank.schema_name):
            site = Site.objects.get(is_default_site=True)
            assert site.hostname == domain
            assert site.site_name == "临时农商银行"
            assert site.root_page.title == "临时农商银行"
            head_office = Branch.objects.get(code="HQ")
            assert head_office.path == "/HQ/"
            assert head_office.parent is None
            admin = Staff.objects.select_related("user").get(employee_no="admin")
            assert admin.role == Staff.Role.HQ_ADMIN
            assert admin.branch == head_office
            assert admin.must_change_password is True
            assert admin.user.username == "admin"
            assert admin.user.is_staff
            assert admin.user.check_password(password)
            assert password not in admin.user.password
            # Nothing of the test bank was copied in.
            assert list(get_user_model().objects.values_list("username", flat=True)) == ["admin"]

        # The first admin logs in at the new bank's host and is asked for their own password.
        browser = Client(HTTP_HOST=domain)
        response = browser.post("/accounts/login/", {"username": "admin", "password": password})
        assert response.status_code == 302
        assert browser.get("/workspace/")["Location"] == "/accounts/password/change/?next=/workspace/"
        connection.set_schema_to_public()
        deferred_checks_run()

        deleted = run("bank_delete", slug=TMP_SLUG, yes=True)

        assert f"Deleted bank {TMP_SLUG}" in deleted
        assert not Bank.objects.filter(slug=TMP_SLUG).exists()
        assert not Domain.objects.filter(domain=domain).exists()
        assert not schema_in_database(TMP_SLUG)
        assert Client(HTTP_HOST=domain).get("/accounts/login/").status_code == 404
    finally:
        tmp_bank_remove()


def test_bank_delete_without_yes_and_wrong_answer_deletes_nothing(platform, monkeypatch):
    created = bank_create(slug=TMP_SLUG, name="临时农商银行")
    try:
        prompts = []

        def answer(prompt):
            prompts.append(prompt)
            return "otherbank"

        monkeypatch.setattr("builtins.input", answer)

        message = command_error("bank_delete", slug=TMP_SLUG)

        assert message == "not confirmed; nothing deleted"
        assert len(prompts) == 1 and "临时农商银行" in prompts[0] and TMP_SLUG in prompts[0]
        assert Bank.objects.filter(slug=TMP_SLUG).exists()
        assert Domain.objects.filter(domain=created.domain).exists()
        assert schema_in_database(TMP_SLUG)
        with schema_context(TMP_SLUG):
            assert Staff.objects.filter(employee_no="admin").exists()

        monkeypatch.setattr("builtins.input", lambda prompt: f"  {TMP_SLUG}\n")
        deferred_checks_run()
        run("bank_delete", slug=TMP_SLUG)

        assert not Bank.objects.filter(slug=TMP_SLUG).exists()
        assert not schema_in_database(TMP_SLUG)
    finally:
        tmp_bank_remove()


def test_bank_delete_of_an_unknown_slug_is_an_error(platform):
    assert command_error("bank_delete", slug="nosuchbank", yes=True) == "no bank with slug 'nosuchbank'"


def test_bank_delete_cannot_remove_the_template_or_the_platform(platform):
    template = Bank.objects.get(kind=Bank.Kind.TEMPLATE)

    for slug in (template.slug, "_platform"):
        assert command_error("bank_delete", slug=slug, yes=True) == f"no bank with slug {slug!r}"

    assert schema_in_database(template.schema_name)
    assert Bank.objects.filter(kind=Bank.Kind.PLATFORM).exists()


def test_bank_delete_leaves_other_banks_alone(platform):
    bank_create(slug=TMP_SLUG, name="临时农商银行")
    try:
        deferred_checks_run()
        run("bank_delete", slug=TMP_SLUG, yes=True)
    finally:
        tmp_bank_remove()

    for slug in ("testbank", "otherbank"):
        bank = Bank.objects.get(slug=slug)
        assert schema_in_database(bank.schema_name)
        with schema_context(bank.schema_name):
            assert Staff.objects.filter(employee_no="admin").exists()
