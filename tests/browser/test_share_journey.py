"""A manager on a phone opens "QR code and poster" from their page builder, picks the festive poster
and downloads it; a scanner reads their link back from the downloaded file."""

import re

import pytest
import zxingcpp
from PIL import Image

from tests.factories import PASSWORD, manager_with_page

pytestmark = pytest.mark.browser


def test_manager_downloads_their_qr_code_and_poster(phone, bank_url, in_browser_bank, tmp_path):
    with in_browser_bank():
        manager = manager_with_page(name="孙喆", employee_no="BJ0101", title="理财经理")
    page = phone
    page.goto(f"{bank_url}/accounts/login/")
    page.fill("#id_username", manager.employee_no)
    page.fill("#id_password", PASSWORD)
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/workspace/$"))

    page.goto(f"{bank_url}/workspace/page/")
    page.click("a[href='/workspace/page/share/']")
    page.wait_for_url(re.compile(r"/workspace/page/share/$"))
    link = f"{bank_url}/s/{manager.code}"
    assert page.locator("#page-link").inner_text() == link
    qr = page.locator(".share-qr img")
    qr.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth === 480", arg=qr.element_handle())

    page.click("a[data-template=festive]")  # htmx swaps just the poster
    page.locator("a[data-template=festive][aria-current=true]").wait_for()
    assert page.url.endswith("?template=festive")
    poster = page.locator("#poster img")
    page.wait_for_function("img => img.complete && img.naturalWidth === 1080", arg=poster.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone

    with page.expect_download() as download:
        page.click("#poster a[download]")
    path = tmp_path / "poster.png"
    download.value.save_as(path)
    assert download.value.suggested_filename == f"poster-{manager.code}-festive.png"
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(path))] == [link]

    with page.expect_download() as download:
        page.click(".share-qr a[download$='.svg']")
    svg = tmp_path / "qr.svg"
    download.value.save_as(svg)
    assert svg.read_text().startswith("<?xml")
