import io

from django.test import Client
from openpyxl import load_workbook

from org.models import AuditLog
from questionnaires import services
from questionnaires.models import Question, Questionnaire
from tests.factories import StaffFactory
from tests.questionnaires.conftest import questionnaire_build, visitor_client


def staff_client(staff) -> Client:
    client = Client(HTTP_HOST="testbank.localhost")
    client.force_login(staff.user)
    return client


def test_manager_builds_publishes_and_shares(manager):
    client = staff_client(manager)
    response = client.post("/workspace/questionnaires/", {"title": "理财需求"})
    questionnaire = Questionnaire.objects.get(title="理财需求")
    assert response.status_code == 302
    url = f"/workspace/questionnaires/{questionnaire.pk}/"
    bad = client.post(
        url + "questions/", {"kind": "single", "text": "选一个", "options_text": "只有一个", "required": "on"}
    )
    assert bad.status_code == 400
    client.post(url + "questions/", {"kind": "single", "text": "选一个", "options_text": "甲\n乙", "required": "on"})
    assert client.post(url + "publish/").status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.status == "published"
    page = client.get(url)
    share = questionnaire.shares.get(staff=manager)
    assert f"/q/{share.code}" in page.content.decode()
    qr = Client(HTTP_HOST="testbank.localhost").get(f"/q/{share.code}/qr.png")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"


def test_colleague_cannot_reach_a_managers_questionnaire(manager):
    questionnaire = questionnaire_build(manager)
    colleague = StaffFactory()
    assert staff_client(colleague).get(f"/workspace/questionnaires/{questionnaire.pk}/").status_code == 404
    assert staff_client(colleague).get(f"/workspace/questionnaires/{questionnaire.pk}/results/").status_code == 404


def test_results_page_and_masked_audited_export(manager):
    questionnaire = Questionnaire.objects.create(owner=manager, title="联系")
    contact = services.question_add(questionnaire=questionnaire, kind=Question.Kind.CONTACT, text="联系方式")
    nps = services.question_add(questionnaire=questionnaire, kind=Question.Kind.NPS, text="推荐")
    services.questionnaire_publish(questionnaire=questionnaire)
    share = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
    from customers.services import consent_current

    visitor_client(1).post(
        f"/q/{share.code}",
        {
            f"q{contact.pk}_name": "张三",
            f"q{contact.pk}_mobile": "13812341234",
            f"q{contact.pk}_consent": "on",
            f"q{contact.pk}_consent_version": consent_current().version,
            f"q{nps.pk}": "10",
        },
    )
    client = staff_client(manager)
    page = client.get(f"/workspace/questionnaires/{questionnaire.pk}/results/")
    assert page.status_code == 200 and "NPS 100.0" in page.content.decode()
    csv = client.get(f"/workspace/questionnaires/{questionnaire.pk}/export.csv").content.decode()
    assert csv.startswith("\ufeff") and "138****1234" in csv and "13812341234" not in csv
    hq = staff_client(StaffFactory(role="hq_admin"))
    xlsx = hq.get(f"/workspace/questionnaires/{questionnaire.pk}/export.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert "张三 13812341234" in rows[1]
    assert AuditLog.objects.filter(action="questionnaire.export").count() == 2


def test_a_manager_reads_only_their_own_responses_to_a_head_office_questionnaire(manager):
    hq = StaffFactory(role="hq_admin")
    questionnaire = questionnaire_build(hq)
    colleague = StaffFactory()
    mine = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
    theirs = services.share_get_or_create(questionnaire=questionnaire, staff=colleague)
    key = f"q{questionnaire.questions.first().pk}"
    visitor_client(1).post(f"/q/{mine.code}", {key: "B"})
    visitor_client(2).post(f"/q/{theirs.code}", {key: "C"})
    visitor_client(3).post(f"/q/{theirs.code}", {key: "C"})
    url = f"/workspace/questionnaires/{questionnaire.pk}/results/"
    assert staff_client(manager).get(url).context["total"] == 1
    assert staff_client(hq).get(url).context["total"] == 3
    by_staff = staff_client(hq).get(url + f"?staff={colleague.pk}").context
    assert by_staff["total"] == 2
