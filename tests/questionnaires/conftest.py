import pytest
from django.core.cache import cache
from django.test import Client

from insights.identity import COOKIE_NAME, visitor_cookie_sign
from insights.models import Visitor
from questionnaires import services
from questionnaires.models import Question, Questionnaire
from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager(bank):
    return StaffFactory(name="陈晓")


def questionnaire_build(owner, *, cap=None) -> Questionnaire:
    """Q1 single (A/B/C + other), Q2 multiple (x/y/z, max 2), Q3 rating, Q4 NPS, Q5 text shown
    only if Q1 is "A"."""
    questionnaire = Questionnaire.objects.create(owner=owner, title="满意度调查", max_responses=cap)
    q1 = services.question_add(
        questionnaire=questionnaire,
        kind=Question.Kind.SINGLE,
        text="您常用哪个渠道?",
        options=["A", "B", "C"],
        allow_other=True,
    )
    services.question_add(
        questionnaire=questionnaire,
        kind=Question.Kind.MULTIPLE,
        text="您关心什么?",
        options=["x", "y", "z"],
        max_choices=2,
        required=False,
    )
    services.question_add(questionnaire=questionnaire, kind=Question.Kind.RATING, text="服务评分", required=False)
    services.question_add(questionnaire=questionnaire, kind=Question.Kind.NPS, text="推荐意愿", required=False)
    services.question_add(
        questionnaire=questionnaire,
        kind=Question.Kind.SHORT_TEXT,
        text="为什么选A?",
        required=True,
        show_if_question=q1,
        show_if_value="A",
    )
    return services.questionnaire_publish(questionnaire=questionnaire)


def visitor_client(n: int) -> Client:
    visitor = Visitor.objects.create(token=f"qtok{n:028d}", share_code=f"qs{n:014d}")
    client = Client(HTTP_HOST="testbank.localhost")
    client.cookies[COOKIE_NAME] = visitor_cookie_sign(visitor.token, visitor.share_code)
    return client


def keys(questionnaire):
    return {q.text: f"q{q.pk}" for q in questionnaire.questions.all()}
