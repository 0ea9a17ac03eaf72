"""The message board: a customer writes, the manager replies in the workspace, the customer reads the
reply on their private page. Plain text, escaped everywhere; CSRF, honeypot and rate limits; scope."""

import re

from django.test import Client, override_settings

from customers.models import Message, MessageThread, Notification
from customers.services import message_post, message_reply
from insights.models import Event
from tests.customers.conftest import visitor_client, visitor_new
from tests.factories import BranchFactory, StaffFactory

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def message_send(client, code: str, text: str = "请问定期存款利率是多少？", **extra):
    return client.post(f"/p/message/{code}/", {"text": text, "website": "", **extra})


def private_link(response) -> str:
    """The thread's private address the customer is sent to (and shown) after posting."""
    return response["Location"].split("?")[0]


def test_the_message_page_is_uncached_with_csrf_and_a_honeypot(bank_client, manager):
    response = bank_client.get(f"/p/message/{manager.code}/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html and 'name="website"' in html
    assert 'name="mobile"' not in html  # nothing personal is asked
    assert bank_client.get("/p/message/nobody99/").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(bank, manager):
    client = Client(HTTP_HOST="testbank.localhost", enforce_csrf_checks=True)
    assert message_send(client, manager.code).status_code == 403
    assert not Message.objects.exists()


def test_a_message_is_stored_for_the_page_manager_who_is_notified_and_the_event_recorded(
    bank_client, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = message_send(bank_client, manager.code)
    assert response.status_code == 302
    thread = MessageThread.objects.get()
    assert response["Location"] == f"/p/message/t/{thread.token}/?sent=1"
    assert len(thread.token) >= 40 and thread.visitor is None
    assert (thread.staff, thread.page_staff, thread.awaiting_reply) == (manager, manager, True)
    assert [m.text for m in thread.messages.all()] == ["请问定期存款利率是多少？"]
    assert Notification.objects.get(staff=manager).thread == thread
    event = Event.objects.get(kind=Event.Kind.MESSAGE)
    assert (event.staff, event.page_staff, event.object_type, event.object_id) == (
        manager,
        manager,
        "messagethread",
        str(thread.pk),
    )
    # The thank-you page shows the private link to come back to, without a cookie.
    thanks = bank_client.get(response["Location"]).content.decode()
    assert f"/p/message/t/{thread.token}/" in thanks


def test_a_known_visitors_message_goes_to_their_own_manager_and_their_threads_are_listed(bank, manager):
    owner = StaffFactory()
    visitor = visitor_new(owner=owner)
    client = visitor_client(visitor)
    assert message_send(client, manager.code).status_code == 302
    thread = MessageThread.objects.get()
    assert (thread.staff, thread.page_staff, thread.visitor) == (owner, manager, visitor)
    assert Event.objects.get(kind=Event.Kind.MESSAGE).visitor == visitor
    html = client.get(f"/p/message/{manager.code}/").content.decode()
    assert f"/p/message/t/{thread.token}/" in html
    # Someone else's browser sees no one's conversations.
    other = Client(HTTP_HOST="testbank.localhost").get(f"/p/message/{manager.code}/").content.decode()
    assert thread.token not in other


def test_the_managers_reply_is_visible_to_the_customer_on_return(bank_client, manager):
    link = private_link(message_send(bank_client, manager.code, text="几点营业？"))
    thread = MessageThread.objects.get()
    bank_client.force_login(manager.user)
    reply = bank_client.post(f"/workspace/messages/{thread.pk}/reply/", {"text": "早上九点到下午五点。"})
    assert reply.status_code == 302
    thread.refresh_from_db()
    assert not thread.awaiting_reply
    bank_client.logout()
    html = Client(HTTP_HOST="testbank.localhost").get(link).content.decode()
    assert "几点营业？" in html and "早上九点到下午五点。" in html
    # The customer can write again in the same conversation.
    assert Client(HTTP_HOST="testbank.localhost").post(link, {"text": "谢谢", "website": ""}).status_code == 302
    thread.refresh_from_db()
    assert thread.awaiting_reply and thread.messages.count() == 3


def test_script_tags_are_stored_as_text_and_escaped_wherever_shown(bank_client, manager):
    link = private_link(message_send(bank_client, manager.code, text=SCRIPT))
    thread = MessageThread.objects.get()
    assert thread.messages.get().text == SCRIPT
    bank_client.force_login(manager.user)
    bank_client.post(f"/workspace/messages/{thread.pk}/reply/", {"text": SCRIPT})
    for html in (
        bank_client.get(f"/workspace/messages/{thread.pk}/").content.decode(),
        bank_client.get("/workspace/messages/").content.decode(),
        Client(HTTP_HOST="testbank.localhost").get(link).content.decode(),
    ):
        assert SCRIPT not in html
    assert ESCAPED in bank_client.get(f"/workspace/messages/{thread.pk}/").content.decode()
    assert ESCAPED in Client(HTTP_HOST="testbank.localhost").get(link).content.decode()


def test_empty_or_very_long_messages_are_refused_and_nothing_is_saved(bank_client, manager):
    assert message_send(bank_client, manager.code, text="   ").status_code == 400
    response = message_send(bank_client, manager.code, text="长" * 1001)
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert not MessageThread.objects.exists() and not Event.objects.filter(kind=Event.Kind.MESSAGE).exists()


def test_a_filled_honeypot_stores_nothing(bank_client, manager):
    response = message_send(bank_client, manager.code, website="http://spam.example")
    assert response.status_code == 302
    assert not MessageThread.objects.exists() and not Message.objects.exists()


@override_settings(MESSAGE_POSTS_PER_VISITOR_HOUR=2, MESSAGE_POSTS_PER_NETWORK_HOUR=100)
def test_a_visitor_over_the_limit_gets_a_429_page(bank, manager):
    client = visitor_client(visitor_new(owner=manager))
    for _ in range(2):
        assert message_send(client, manager.code).status_code == 302
    response = message_send(client, manager.code)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "稍后" in response.content.decode()
    assert MessageThread.objects.count() == 2


@override_settings(MESSAGE_POSTS_PER_VISITOR_HOUR=100, MESSAGE_POSTS_PER_NETWORK_HOUR=1)
def test_the_network_limit_also_covers_the_private_thread_page(bank_client, manager):
    link = private_link(message_send(bank_client, manager.code))
    assert bank_client.post(link, {"text": "再问一次", "website": ""}).status_code == 429
    assert Message.objects.count() == 1


def test_an_unknown_private_link_is_404(bank_client, manager):
    assert bank_client.get("/p/message/t/not-a-real-token/").status_code == 404
    assert bank_client.get(f"/p/message/t/{'x' * 200}/").status_code == 404


def test_a_private_link_does_not_open_in_another_bank(bank_client, other_client, manager):
    link = private_link(message_send(bank_client, manager.code))
    assert other_client.get(link).status_code == 404


def test_a_manager_cannot_open_or_answer_a_colleagues_thread_by_id(bank_client, manager):
    theirs = message_post(page_staff=StaffFactory(), text="你好").thread
    bank_client.force_login(manager.user)
    assert bank_client.get(f"/workspace/messages/{theirs.pk}/").status_code == 404
    assert bank_client.post(f"/workspace/messages/{theirs.pk}/reply/", {"text": "偷看"}).status_code == 404
    assert bank_client.get("/workspace/messages/999999/").status_code == 404
    assert theirs.pk not in [x.pk for x in bank_client.get("/workspace/messages/").context["page"]]
    assert theirs.messages.count() == 1


def test_a_branch_head_sees_their_branch_only_and_head_office_everything(bank_client):
    branch, elsewhere = BranchFactory(), BranchFactory()
    head = StaffFactory(role="branch_head", branch=branch)
    mine = message_post(page_staff=StaffFactory(branch=branch), text="一").thread
    theirs = message_post(page_staff=StaffFactory(branch=elsewhere), text="二").thread
    bank_client.force_login(head.user)
    assert [x.pk for x in bank_client.get("/workspace/messages/").context["page"]] == [mine.pk]
    assert bank_client.get(f"/workspace/messages/{theirs.pk}/").status_code == 404
    bank_client.force_login(StaffFactory(role="hq_admin").user)
    assert {x.pk for x in bank_client.get("/workspace/messages/").context["page"]} == {mine.pk, theirs.pk}


def test_the_inbox_marks_unread_threads_filters_with_an_htmx_partial_and_opening_reads_them(
    bank_client, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answered = message_post(page_staff=manager, text="一").thread
        waiting = message_post(page_staff=manager, text="二").thread
    message_reply(thread=answered, author=manager, text="好的")
    bank_client.force_login(manager.user)
    response = bank_client.get("/workspace/messages/")
    assert response.context["unread"] == 2
    partial = bank_client.get("/workspace/messages/?awaiting=on", headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="results">')
    assert [x.pk for x in partial.context["page"]] == [waiting.pk]
    bank_client.get(f"/workspace/messages/{waiting.pk}/")
    assert bank_client.get("/workspace/messages/").context["unread"] == 1
    # Message notifications do not count as unopened leads.
    assert bank_client.get("/workspace/leads/").context["unread"] == 0


def test_an_htmx_reply_returns_the_conversation_partial(bank_client, manager):
    thread = message_post(page_staff=manager, text="你好").thread
    bank_client.force_login(manager.user)
    html = bank_client.post(
        f"/workspace/messages/{thread.pk}/reply/", {"text": "您好"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert html.lstrip().startswith('<div id="conversation">') and "您好" in html
    assert bank_client.post(f"/workspace/messages/{thread.pk}/reply/", {"text": ""}).status_code == 400


def test_the_message_board_block_links_to_the_message_page_and_holds_no_form(bank, manager):
    from customers.blocks import MessageBoardBlock

    block = MessageBoardBlock()
    html = block.render(
        block.to_python({"title": "<b>留言</b>", "button_text": ""}), context={"page_code": manager.code}
    )
    assert f'href="/p/message/{manager.code}/"' in html
    assert "&lt;b&gt;留言&lt;/b&gt;" in html
    assert "<form" not in html and not re.search(r"csrf", html)


def test_the_builder_offers_the_message_board_block():
    from storefront.forms import BLOCK_FORMS

    form = BLOCK_FORMS["message_board"]({"title": "给我留言", "button_text": "写留言"})
    assert form.is_valid()
    assert form.to_value() == {"title": "给我留言", "button_text": "写留言"}
