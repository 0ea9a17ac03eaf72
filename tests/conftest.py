"""Test banks, created once per run; every test runs in a transaction inside one of them.

`bank` is the bank a test works in (schema set on the connection); `other_bank` exists to prove
isolation. Both are made by the same service operators use (`bank_create`), the first one building
the template schema by migrations and the second cloned from it.
"""

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.models import Bank

TEST_BANK = "testbank"
OTHER_BANK = "otherbank"


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_keepdb, django_db_modify_db_settings):
    """Always set up the test database, even for a run whose tests all use their own committed data
    (pytest-django would otherwise connect such a run to the real database)."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, keepdb=django_db_keepdb, aliases={"default"})
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            # Threads of the live server and of concurrency tests may leave a session behind.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            connection.close()
            teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def test_banks(django_db_setup, django_db_blocker):
    from tenants.services import bank_create, platform_ensure

    with django_db_blocker.unblock():
        platform_ensure()
        banks = {}
        for slug, name in ((TEST_BANK, "测试农商银行"), (OTHER_BANK, "另一家银行")):
            bank = Bank.objects.filter(slug=slug).first()
            if bank is None:
                bank = bank_create(slug=slug, name=name).bank
            banks[slug] = bank
        connection.set_schema_to_public()
    return banks


@pytest.fixture
def bank(test_banks, db):
    connection.set_tenant(test_banks[TEST_BANK])
    yield test_banks[TEST_BANK]
    connection.set_schema_to_public()


@pytest.fixture
def other_bank(test_banks, db):
    return test_banks[OTHER_BANK]


def _domain(bank) -> str:
    with schema_context("public"):
        return bank.get_primary_domain().domain


@pytest.fixture
def bank_client(bank):
    return Client(HTTP_HOST=_domain(bank))


@pytest.fixture
def other_client(other_bank):
    return Client(HTTP_HOST=_domain(other_bank))


@pytest.fixture
def in_other_bank(other_bank):
    """A context manager running code inside the other bank's schema."""

    def enter():
        return schema_context(other_bank.schema_name)

    return enter
