"""The response cap under a burst: 50 simultaneous submissions for the last 5 places, real threads."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from insights.models import Event
from org.models import Staff
from questionnaires import services
from questionnaires.models import Question, Questionnaire, Response
from tests.factories import StaffFactory

SUBMISSIONS = 50
PLACES_LEFT = 5


@pytest.fixture
def committed_share(test_banks, django_db_blocker):
    bank = test_banks["testbank"]
    with django_db_blocker.unblock(), schema_context(bank.schema_name):
        manager = StaffFactory()
        questionnaire = Questionnaire.objects.create(owner=manager, title="名额有限", max_responses=20)
        question = services.question_add(questionnaire=questionnaire, kind=Question.Kind.RATING, text="评分")
        services.questionnaire_publish(questionnaire=questionnaire)
        Questionnaire.objects.filter(pk=questionnaire.pk).update(response_count=20 - PLACES_LEFT)
        share = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
        try:
            yield bank, share, question
        finally:
            Event.objects.filter(staff=manager).delete()
            questionnaire.delete()
            user = manager.user
            Staff.objects.filter(pk=manager.pk).delete()
            user.delete()


def test_cap_accepts_exactly_the_last_5_of_50_simultaneous_submissions(committed_share, django_db_blocker, settings):
    settings.LEAD_SUBMITS_PER_NETWORK_HOUR = 1000
    bank, share, question = committed_share
    barrier = threading.Barrier(SUBMISSIONS)
    statuses, failures = [], []

    def submit():
        try:
            client = Client(HTTP_HOST="testbank.localhost")
            barrier.wait(timeout=30)
            try:
                statuses.append(client.post(f"/q/{share.code}", {f"q{question.pk}": "4"}).status_code)
            finally:
                connection.close()
        except Exception as exc:
            failures.append(exc)

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures
        assert statuses.count(302) == PLACES_LEFT
        assert len(statuses) == SUBMISSIONS
        with schema_context(bank.schema_name):
            assert Response.objects.filter(questionnaire=share.questionnaire).count() == PLACES_LEFT
            assert Questionnaire.objects.get(pk=share.questionnaire_id).response_count == 20
