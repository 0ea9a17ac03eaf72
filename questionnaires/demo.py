"""Demo questionnaire: head office's satisfaction survey, shared by every manager, with a few
responses each, answered through the real services."""

import random

from django.http import QueryDict

from org.models import Staff
from questionnaires import selectors, services
from questionnaires.models import Question, Questionnaire, Share

CHANNELS = ["手机银行", "网点柜台", "微信小程序", "电话银行"]
NEEDS = ["稳健理财", "贷款", "信用卡", "养老规划", "子女教育"]


def questionnaires_seed(*, seed: int = 17) -> int:
    """Once per bank (skipped if it has any questionnaire): one published head-office survey and
    2–5 responses through each manager's own link. Returns the number of responses."""
    if Questionnaire.objects.exists():
        return 0
    owner = Staff.objects.filter(role=Staff.Role.HQ_ADMIN, left_at__isnull=True).order_by("pk").first()
    if owner is None:
        return 0
    rng = random.Random(seed)
    questionnaire = Questionnaire.objects.create(
        owner=owner,
        title="客户满意度调查",
        welcome_text="耽误您一分钟，帮助我们把服务做得更好。",
        thanks_text="感谢您的反馈！您的客户经理会认真阅读每一条意见。",
    )
    channel = services.question_add(
        questionnaire=questionnaire,
        kind=Question.Kind.SINGLE,
        text="您最常用哪种方式办理业务？",
        options=CHANNELS,
        allow_other=True,
    )
    services.question_add(
        questionnaire=questionnaire,
        kind=Question.Kind.MULTIPLE,
        text="您近期关注哪些金融服务？（最多选 3 项）",
        options=NEEDS,
        max_choices=3,
        required=False,
    )
    services.question_add(questionnaire=questionnaire, kind=Question.Kind.RATING, text="您对客户经理的服务打几分？")
    services.question_add(questionnaire=questionnaire, kind=Question.Kind.NPS, text="您有多大可能把我们推荐给朋友？")
    services.question_add(
        questionnaire=questionnaire,
        kind=Question.Kind.SHORT_TEXT,
        text="手机银行哪里最需要改进？",
        required=False,
        show_if_question=channel,
        show_if_value="手机银行",
    )
    services.questionnaire_publish(questionnaire=questionnaire)
    questions = selectors.questions_of(questionnaire=questionnaire)
    made = 0
    for manager in Staff.objects.filter(role=Staff.Role.MANAGER, left_at__isnull=True).order_by("pk"):
        share = services.share_get_or_create(questionnaire=questionnaire, staff=manager)
        for n in range(rng.randint(2, 5)):
            data = QueryDict(mutable=True)
            data[f"q{questions[0].pk}"] = rng.choice(CHANNELS)
            data.setlist(f"q{questions[1].pk}", rng.sample(NEEDS, rng.randint(0, 3)))
            data[f"q{questions[2].pk}"] = str(rng.choice([3, 4, 4, 5, 5]))
            data[f"q{questions[3].pk}"] = str(rng.choice([5, 7, 8, 9, 9, 10, 10]))
            data[f"q{questions[4].pk}"] = rng.choice(["转账限额太低", "界面再简洁些", ""])
            answers, contact, errors = services.answers_clean(questions=questions, data=data)
            if errors:
                continue
            services.response_submit(
                share=share, answers=answers, contact=contact, visitor_token=f"demo-{share.code}-{n}", visitor=None
            )
            made += 1
    return made


def demo_links() -> list[tuple[Staff, str]]:
    """(manager, share code) of every seeded share, for the demo's printout."""
    return [(s.staff, s.code) for s in Share.objects.select_related("staff").order_by("staff__branch__path", "pk")]
