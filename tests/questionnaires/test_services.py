import pytest
from django.http import QueryDict
from django.test import Client
from django.utils.translation import gettext

from insights.models import Event
from questionnaires import selectors, services
from questionnaires.models import OTHER, Response
from tests.factories import StaffFactory
from tests.questionnaires.conftest import keys, questionnaire_build, visitor_client


def _post(client, share, data):
    return client.post(f"/q/{share.code}", data)


def _answers(questionnaire, *, single, multi=(), rating=None, nps=None, why="因为", other=""):
    k = keys(questionnaire)
    data = QueryDict(mutable=True)
    data[k["您常用哪个渠道?"]] = single
    if other:
        data[k["您常用哪个渠道?"] + "_other"] = other
    data.setlist(k["您关心什么?"], list(multi))
    if rating is not None:
        data[k["服务评分"]] = str(rating)
    if nps is not None:
        data[k["推荐意愿"]] = str(nps)
    data[k["为什么选A?"]] = why
    return data


def _submit(share, n, **kw):
    answers, contact, errors = services.answers_clean(
        questions=selectors.questions_of(questionnaire=share.questionnaire), data=_answers(share.questionnaire, **kw)
    )
    assert not errors, errors
    return services.response_submit(share=share, answers=answers, contact=contact, visitor_token=f"t{n}", visitor=None)


def test_statistics_equal_hand_computed_fixture(manager):
    questionnaire = questionnaire_build(manager)
    share = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
    _submit(share, 1, single="A", multi=["x", "y"], rating=5, nps=10)
    _submit(share, 2, single="A", multi=["x"], rating=4, nps=9)
    _submit(share, 3, single="B", multi=["y", "z"], rating=3, nps=7)
    _submit(share, 4, single=OTHER, other="网点", multi=["x"], rating=4, nps=3)
    total, stats = selectors.statistics(
        questions=selectors.questions_of(questionnaire=questionnaire), responses=Response.objects.all()
    )
    assert total == 4
    single, multi, rating, nps, why = stats
    assert [(b.label, b.count, b.percent) for b in single.bars] == [
        ("A", 2, 50.0),
        ("B", 1, 25.0),
        ("C", 0, 0.0),
        (gettext("Other"), 1, 25.0),
    ]
    assert single.texts == ["网点"]
    # x chosen by 3 of 4, y by 2 of 4, z by 1 of 4: percentages of respondents, summing past 100
    assert [(b.label, b.count, b.percent) for b in multi.bars] == [("x", 3, 75.0), ("y", 2, 50.0), ("z", 1, 25.0)]
    assert rating.average == 4.0
    # promoters 2 of 4 (50%), passives 1, detractors 1 (25%): NPS = 25
    assert (nps.promoters, nps.detractors, nps.nps) == (50.0, 25.0, 25.0)
    assert why.answered == 2 and why.texts == ["因为", "因为"]
    questionnaire.refresh_from_db()
    assert questionnaire.response_count == 4
    assert Event.objects.filter(kind="survey_response", staff=manager).count() == 4


def test_conditional_question_enforced_on_the_server(manager):
    questionnaire = questionnaire_build(manager)
    questions = selectors.questions_of(questionnaire=questionnaire)
    why_key = str(questions[4].pk)
    # shown (A chosen) and required: missing is an error
    _a, _c, errors = services.answers_clean(questions=questions, data=_answers(questionnaire, single="A", why=""))
    assert why_key in errors
    # hidden (B chosen): an answer smuggled in is dropped, and its absence is fine
    answers, _c, errors = services.answers_clean(questions=questions, data=_answers(questionnaire, single="B", why="x"))
    assert not errors and why_key not in answers


def test_choice_rules_refuse_bad_answers(manager):
    questionnaire = questionnaire_build(manager)
    questions = selectors.questions_of(questionnaire=questionnaire)
    _a, _c, errors = services.answers_clean(questions=questions, data=_answers(questionnaire, single="D"))
    assert str(questions[0].pk) in errors
    _a, _c, errors = services.answers_clean(
        questions=questions, data=_answers(questionnaire, single="B", multi=["x", "y", "z"])
    )
    assert str(questions[1].pk) in errors
    _a, _c, errors = services.answers_clean(questions=questions, data=_answers(questionnaire, single=OTHER))
    assert str(questions[0].pk) in errors
    _a, _c, errors = services.answers_clean(questions=questions, data=_answers(questionnaire, single="B", nps=11))
    assert str(questions[3].pk) in errors


def test_one_response_per_visitor(manager):
    questionnaire = questionnaire_build(manager)
    share = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
    client = visitor_client(1)
    assert _post(client, share, _answers(questionnaire, single="B")).status_code == 302
    again = _post(client, share, _answers(questionnaire, single="C"))
    assert again.status_code == 409
    assert "已经填写过" in again.content.decode()
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    # a browser without the bank's visitor cookie is remembered by the questionnaire's own cookie
    anonymous = Client(HTTP_HOST="testbank.localhost")
    assert _post(anonymous, share, _answers(questionnaire, single="B")).status_code == 302
    _post(anonymous, share, _answers(questionnaire, single="B"))
    assert Response.objects.filter(questionnaire=questionnaire).count() == 2


def test_one_response_per_phone_with_a_contact_question(manager):
    from questionnaires.models import Question, Questionnaire

    questionnaire = Questionnaire.objects.create(owner=manager, title="预约")
    contact = services.question_add(questionnaire=questionnaire, kind="contact", text="联系方式")
    services.questionnaire_publish(questionnaire=questionnaire)
    share = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
    from customers.services import consent_current

    data = {
        f"q{contact.pk}_name": "张三",
        f"q{contact.pk}_mobile": "13812341234",
        f"q{contact.pk}_consent": "on",
        f"q{contact.pk}_consent_version": consent_current().version,
    }
    assert _post(visitor_client(1), share, data).status_code == 302
    assert _post(visitor_client(2), share, data).status_code == 409
    response = Response.objects.get(questionnaire=questionnaire)
    assert response.contact_mobile == "13812341234" and "13812341234" not in response.contact_mobile_encrypted
    assert response.contact_mobile_masked == "138****1234"
    assert response.answers == {str(contact.pk): {"mobile": "138****1234"}}
    assert Question.objects.filter(questionnaire=questionnaire).count() == 1


def test_responses_are_attributed_to_the_manager_whose_link_was_used(manager):
    colleague = StaffFactory(name="李明")
    questionnaire = questionnaire_build(StaffFactory(role="hq_admin"))
    mine = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
    theirs = services.share_get_or_create(questionnaire=questionnaire, staff=colleague)
    assert mine.code != theirs.code
    assert services.share_get_or_create(questionnaire=questionnaire, staff=manager) == mine
    _post(visitor_client(1), mine, _answers(questionnaire, single="B"))
    _post(visitor_client(2), theirs, _answers(questionnaire, single="B"))
    _post(visitor_client(3), theirs, _answers(questionnaire, single="C"))
    assert Response.objects.filter(staff=manager).count() == 1
    assert Response.objects.filter(staff=colleague, branch=colleague.branch).count() == 2
    assert Event.objects.filter(kind="survey_response", staff=colleague).count() == 2
    rollup = selectors.rollup(responses=Response.objects.filter(questionnaire=questionnaire))
    assert rollup["total"] == 3 and rollup["staff"][0]["staff__name"] == "李明"


def test_questions_cannot_change_once_answered(manager):
    questionnaire = questionnaire_build(manager)
    share = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
    _submit(share, 1, single="B")
    with pytest.raises(services.QuestionnaireError):
        services.question_add(questionnaire=questionnaire, kind="short_text", text="新问题")
    with pytest.raises(services.QuestionnaireError):
        services.question_delete(question=questionnaire.questions.first())


def test_closed_and_full_questionnaires_say_so(manager):
    questionnaire = questionnaire_build(manager, cap=1)
    share = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
    _submit(share, 1, single="B")
    page = visitor_client(2).get(f"/q/{share.code}")
    assert "已收满答卷" in page.content.decode()
    assert _post(visitor_client(3), share, _answers(questionnaire, single="B")).status_code == 409
    assert Response.objects.count() == 1
    services.questionnaire_close(questionnaire=questionnaire)
    assert Client(HTTP_HOST="testbank.localhost").get(f"/q/{share.code}").status_code == 200


def test_draft_is_not_public(manager):
    from questionnaires.models import Questionnaire, Share

    draft = Questionnaire.objects.create(owner=manager, title="草稿")
    share = Share.objects.create(questionnaire=draft, staff=manager, code="draftcode1")
    assert Client(HTTP_HOST="testbank.localhost").get(f"/q/{share.code}").status_code == 404
