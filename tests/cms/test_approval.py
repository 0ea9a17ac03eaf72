"""Head office approves the text managers write before it goes live (Wagtail workflow in /cms/)."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from storefront.models import Storefront
from tests.factories import StaffFactory, manager_with_page

GREETING = "欢迎来到我的小店，理财问题随时问我"


@pytest.fixture
def manager(bank):
    cache.clear()
    return manager_with_page(name="陈晓")


@pytest.fixture
def manager_client(bank_client, manager):
    bank_client.force_login(manager.user)
    return bank_client


@pytest.fixture
def hq_client(bank_client):
    client = Client(**bank_client.defaults)
    client.force_login(StaffFactory(role="hq_admin").user)
    return client


@pytest.fixture
def visitor(bank_client):
    return Client(**bank_client.defaults)


def _public_html(visitor, manager) -> str:
    response = visitor.get(f"/s/{manager.code}")
    assert response.status_code == 200
    return response.content.decode()


def _submit(manager_client, manager, text=GREETING) -> Storefront:
    assert manager_client.post("/workspace/page/add/intro/", {"heading": "您好", "text": text}).status_code == 302
    assert manager_client.post("/workspace/page/publish/").status_code == 302
    return Storefront.objects.get(staff=manager)


def _review_url(hq_client, storefront: Storefront, action: str) -> str:
    """The approve / reject link head office finds on its dashboard ("Awaiting your review")."""
    dashboard = hq_client.get("/cms/").content.decode()
    urls = set(re.findall(r"/cms/snippets/storefront/storefront/workflow/action/[^\"'\s]+", dashboard))
    expected = reverse(
        "wagtailsnippets_storefront_storefront:workflow_action",
        args=[storefront.pk, action, storefront.current_workflow_task_state.pk],
    )
    assert expected in urls, urls
    return expected


def test_submitted_text_waits_for_approval_and_stays_off_the_live_page(manager, manager_client, visitor):
    assert GREETING not in _public_html(visitor, manager)  # cached now
    storefront = _submit(manager_client, manager)
    assert storefront.workflow_in_progress
    assert storefront.current_workflow_task.name == "总行审核"
    assert storefront.has_unpublished_changes
    assert GREETING not in _public_html(visitor, manager)
    assert GREETING in storefront.get_latest_revision_as_object().body.render_as_block()


def test_approval_by_head_office_puts_the_text_live(manager, manager_client, hq_client, visitor):
    _public_html(visitor, manager)  # cached before the approval
    storefront = _submit(manager_client, manager)

    response = hq_client.post(_review_url(hq_client, storefront, "approve"), {"comment": "可以"})
    assert response.status_code == 302

    storefront.refresh_from_db()
    assert not storefront.workflow_in_progress
    assert not storefront.has_unpublished_changes
    state = WorkflowState.objects.for_instance(storefront).get()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert GREETING in _public_html(visitor, manager)


def test_rejection_keeps_the_text_off_the_live_page(manager, manager_client, hq_client, visitor):
    storefront = _submit(manager_client, manager)
    response = hq_client.post(_review_url(hq_client, storefront, "reject"), {"comment": "请修改措辞"})
    assert response.status_code == 302

    storefront.refresh_from_db()
    assert not storefront.workflow_in_progress
    state = WorkflowState.objects.for_instance(storefront).get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.status == TaskState.STATUS_REJECTED
    assert state.current_task_state.comment == "请修改措辞"
    assert storefront.has_unpublished_changes
    assert GREETING not in _public_html(visitor, manager)


def test_manager_cannot_approve_their_own_text(manager, manager_client, visitor):
    storefront = _submit(manager_client, manager)
    url = reverse(
        "wagtailsnippets_storefront_storefront:workflow_action",
        args=[storefront.pk, "approve", storefront.current_workflow_task_state.pk],
    )
    response = manager_client.post(url, {"comment": ""})
    assert response.status_code == 302
    assert response["Location"].startswith("/cms/login/")
    storefront.refresh_from_db()
    assert storefront.workflow_in_progress
    assert GREETING not in _public_html(visitor, manager)


def test_a_colleague_in_the_approval_task_only_sees_head_office(manager, manager_client):
    """A branch head is not in head office's group: the task offers them no actions."""
    storefront = _submit(manager_client, manager)
    branch_head = StaffFactory(role="branch_head")
    assert storefront.current_workflow_task.get_actions(storefront, branch_head.user) == []


def test_editing_again_while_in_moderation_withdraws_the_submission(manager, manager_client, hq_client, visitor):
    storefront = _submit(manager_client, manager)
    submitted_state = storefront.current_workflow_state

    response = manager_client.post("/workspace/page/add/contact_card/", {"show_wechat": "on"})
    assert response.status_code == 302

    storefront.refresh_from_db()
    assert not storefront.workflow_in_progress
    submitted_state.refresh_from_db()
    assert submitted_state.status == WorkflowState.STATUS_CANCELLED
    assert "/storefront/storefront/workflow/action/" not in hq_client.get("/cms/").content.decode()
    assert GREETING not in _public_html(visitor, manager)

    # Publishing again resubmits the new draft (greeting and all) for approval.
    assert manager_client.post("/workspace/page/publish/").status_code == 302
    storefront.refresh_from_db()
    assert storefront.workflow_in_progress
    assert storefront.current_workflow_state.pk != submitted_state.pk
    hq_client.post(_review_url(hq_client, storefront, "approve"), {"comment": ""})
    html = _public_html(visitor, manager)
    assert GREETING in html


def test_resubmitting_after_rejection_can_then_be_approved(manager, manager_client, hq_client, visitor):
    storefront = _submit(manager_client, manager, text="我的小店，欢迎光临")
    hq_client.post(_review_url(hq_client, storefront, "reject"), {"comment": "请修改"})
    storefront = _submit(manager_client, manager)
    assert storefront.workflow_in_progress
    hq_client.post(_review_url(hq_client, storefront, "approve"), {"comment": ""})
    assert GREETING in _public_html(visitor, manager)


def test_withdrawing_rejected_text_publishes_the_rest_without_approval(manager, manager_client, hq_client, visitor):
    storefront = _submit(manager_client, manager)
    hq_client.post(_review_url(hq_client, storefront, "reject"), {"comment": "请删除"})
    intro_id = storefront.get_latest_revision_as_object().body[-1].id
    assert manager_client.post(f"/workspace/page/block/{intro_id}/remove/").status_code == 302
    assert manager_client.post("/workspace/page/add/contact_card/", {"show_wechat": "on"}).status_code == 302
    assert manager_client.post("/workspace/page/publish/").status_code == 302

    storefront.refresh_from_db()
    assert not storefront.has_unpublished_changes
    assert storefront.current_workflow_state is None  # the rejected submission is closed
    assert [b.block_type for b in storefront.body][-1] == "contact_card"
    assert GREETING not in _public_html(visitor, manager)
