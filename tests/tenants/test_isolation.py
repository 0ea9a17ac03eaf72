"""A bank never sees another bank's staff, users, pages or sessions: by host and by id."""

from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context
from wagtail.models import Page, Site

from tests.factories import PASSWORD, StaffFactory


def test_unknown_host_gets_404_not_public_content(bank):
    from django.test import Client

    response = Client(HTTP_HOST="nobank.localhost").get("/accounts/login/")
    assert response.status_code == 404
    assert b"admin" not in response.content.lower()


def test_staff_code_of_another_bank_is_unknown_here(bank, bank_client, in_other_bank):
    with in_other_bank():
        elsewhere = StaffFactory(name="别家员工")
    response = bank_client.get(f"/s/{elsewhere.code}")
    assert response.status_code == 404
    assert "别家员工" not in response.content.decode()


def test_users_and_staff_are_per_bank(bank, in_other_bank):
    mine = StaffFactory()
    with in_other_bank():
        assert not get_user_model().objects.filter(username=mine.user.username).exists()
        assert not get_user_model().objects.filter(pk=mine.user.pk, username=mine.user.username).exists()


def test_credentials_of_one_bank_do_not_log_in_at_another(bank, bank_client, other_client, in_other_bank):
    with in_other_bank():
        theirs = StaffFactory()
    response = bank_client.post("/accounts/login/", {"username": theirs.employee_no, "password": PASSWORD})
    assert response.status_code == 200  # form shown again with an error
    assert "_auth_user_id" not in bank_client.session
    response = other_client.post("/accounts/login/", {"username": theirs.employee_no, "password": PASSWORD})
    assert response.status_code == 302


def test_session_of_one_bank_is_anonymous_at_another(bank, bank_client, other_client):
    mine = StaffFactory()
    bank_client.force_login(mine.user)
    session_cookie = bank_client.cookies["sessionid"].value
    other_client.cookies["sessionid"] = session_cookie
    response = other_client.get("/workspace/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_each_bank_has_its_own_wagtail_site_and_pages(bank, other_bank):
    site = Site.objects.get(is_default_site=True)
    assert site.hostname == "testbank.localhost"
    assert site.root_page.title == bank.name
    with schema_context(other_bank.schema_name):
        other_site = Site.objects.get(is_default_site=True)
        assert other_site.hostname == "otherbank.localhost"
        assert not Page.objects.filter(title=bank.name).exists()
    assert connection.schema_name == bank.schema_name


def test_cache_keys_are_per_bank(bank, other_bank):
    from django.core.cache import cache

    cache.set("greeting", "mine")
    with schema_context(other_bank.schema_name):
        assert cache.get("greeting") is None
        cache.set("greeting", "theirs")
    assert cache.get("greeting") == "mine"


def test_media_is_stored_under_the_bank(bank):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("staff/probe.txt", ContentFile(b"x"))
    try:
        assert default_storage.path(name).split("/")[-3] == bank.schema_name
        assert f"/{bank.schema_name}/" in default_storage.url(name)
    finally:
        default_storage.delete(name)
