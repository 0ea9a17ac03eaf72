from questionnaires.blocks import SurveyBlock
from questionnaires.models import Share
from storefront.forms import BLOCK_FORMS
from tests.factories import StaffFactory
from tests.questionnaires.conftest import questionnaire_build


def test_the_survey_block_links_to_the_page_owners_own_share(manager):
    questionnaire = questionnaire_build(StaffFactory(role="hq_admin"))
    block = SurveyBlock()
    html = block.render(
        block.to_python({"questionnaire": questionnaire.pk, "title": "", "button_text": ""}),
        context={"page_code": manager.code},
    )
    share = Share.objects.get(questionnaire=questionnaire, staff=manager)
    assert f'href="/q/{share.code}"' in html and "<form" not in html


def test_the_survey_block_hides_a_colleagues_or_unpublished_questionnaire(manager):
    colleagues = questionnaire_build(StaffFactory())
    block = SurveyBlock()
    value = block.to_python({"questionnaire": colleagues.pk, "title": "", "button_text": ""})
    assert "/q/" not in block.render(value, context={"page_code": manager.code})


def test_the_builder_offers_head_office_questionnaires(manager):
    questionnaire = questionnaire_build(StaffFactory(role="hq_admin"))
    form = BLOCK_FORMS["survey"]({"questionnaire": str(questionnaire.pk), "title": "调查", "button_text": ""})
    assert form.is_valid(), form.errors
    assert form.to_value()["questionnaire"] == questionnaire.pk
    assert not BLOCK_FORMS["survey"]({"questionnaire": str(questionnaire_build(manager).pk)}).is_valid()


def test_demo_questionnaire_is_seeded_once_with_responses_per_manager(bank):
    from questionnaires.demo import demo_links, questionnaires_seed
    from questionnaires.models import Response

    StaffFactory(role="hq_admin")
    managers = [StaffFactory(), StaffFactory()]
    made = questionnaires_seed()
    assert made == Response.objects.count() >= 4
    assert {r.staff_id for r in Response.objects.all()} == {m.pk for m in managers}
    assert len(demo_links()) == 2
    assert questionnaires_seed() == 0
