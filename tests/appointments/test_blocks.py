"""The appointment block: a button to the booking page (the cached storefront holds no form)."""

from appointments.blocks import AppointmentBlock
from storefront.blocks import StorefrontBlocks
from storefront.forms import BLOCK_FORMS  # before appointments.builder_forms, which it loads (see there)
from tests.factories import manager_with_page


def test_the_block_links_to_the_page_owners_booking_form(bank):
    block = AppointmentBlock()
    value = block.to_python({"title": "预约到网点", "button_text": "马上预约"})
    html = block.render(value, context={"page_code": "abc23456"})
    assert 'href="/p/book/abc23456/"' in html
    assert "预约到网点" in html and "马上预约" in html and "<form" not in html


def test_the_block_escapes_its_text(bank):
    block = AppointmentBlock()
    html = block.render(block.to_python({"title": "<script>x</script>"}), context={"page_code": "abc23456"})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_block_is_in_the_managers_palette_with_its_builder_form():
    assert "appointment" in StorefrontBlocks().child_blocks
    from appointments.builder_forms import AppointmentForm

    assert BLOCK_FORMS["appointment"] is AppointmentForm
    form = AppointmentForm({"title": "预约", "button_text": "预约"})
    assert form.is_valid() and form.to_value() == {"title": "预约", "button_text": "预约"}
    assert not AppointmentForm({"title": "x" * 31}).is_valid()


def test_a_manager_adds_the_block_and_the_published_page_links_to_booking(bank, bank_client):
    manager = manager_with_page(name="陈晓")
    bank_client.force_login(manager.user)
    response = bank_client.post("/workspace/page/add/appointment/", {"title": "到店办理", "button_text": "预约"})
    assert response.status_code == 302
    bank_client.post("/workspace/page/publish/")
    page = bank_client.get(f"/s/{manager.code}").content.decode()
    assert f'href="/p/book/{manager.code}/"' in page and "到店办理" in page
