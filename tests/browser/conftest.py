"""Real-browser journeys: Playwright driving the system Chromium against a live server.

The live server runs in a thread of the test process, so the data it sees must be committed: the
journeys use their own bank (`browserbank`), created once, and never touch the banks the other
tests roll back in.
"""

import contextlib
import os
import shutil

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection
from django.test.testcases import LiveServerThread
from django_tenants.utils import schema_context

from tenants.models import Bank

BROWSER_BANK = "browserbank"
# Playwright's sync API keeps an event loop in the main thread; the test's own ORM calls are
# still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("Chromium is not installed: `make test` installs it (Debian/Ubuntu package 'chromium').")


@pytest.fixture(scope="session")
def browser_bank(test_banks, django_db_blocker):
    """A committed bank for browser journeys, with its first admin's one-time password."""
    from tenants.services import bank_create, bank_delete

    with django_db_blocker.unblock():
        for leftover in Bank.objects.filter(slug=BROWSER_BANK):  # from an interrupted run with a kept database
            bank_delete(bank=leftover)
        created = bank_create(slug=BROWSER_BANK, name="浏览器测试银行")
        connection.set_schema_to_public()
    return created


@pytest.fixture(scope="session")
def live_server_port(browser_bank, django_db_blocker):
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield thread.port
        thread.terminate()


@pytest.fixture(scope="session")
def bank_url(browser_bank, live_server_port):
    # *.localhost resolves to the loopback address in Chromium, so each bank keeps its own host.
    return f"http://{browser_bank.domain}:{live_server_port}"


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A fresh phone-sized browser context (iPhone 12-like), Chinese first."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def in_browser_bank(browser_bank, django_db_blocker):
    """Run ORM code inside the browser bank, committed (the live server must see it)."""

    @contextlib.contextmanager
    def enter():
        with django_db_blocker.unblock():
            try:
                with schema_context(browser_bank.bank.schema_name):
                    yield
            finally:
                # Playwright's sync API runs the test in a greenlet, which gets a connection of its
                # own; close it, or it keeps the test database open at teardown.
                connection.close()

    return enter
