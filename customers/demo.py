"""Demo leads and messages: a few per account manager, left by their demo customers through the real
services."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cms.models import Product
from customers.models import Lead, MessageThread
from customers.services import (
    consent_current,
    lead_follow_up_set,
    lead_note_add,
    lead_status_change,
    lead_submit,
    message_post,
    message_reply,
)
from insights.models import Visitor
from org.models import Staff

NAMES = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周丽", "吴斌", "徐婷", "孙浩"]
NOTES = ["想了解一下三年期定存", "工作日晚上方便联系", "", "孩子教育金怎么规划？", "", "想办一张信用卡"]


def leads_seed(*, seed: int = 11) -> int:
    """Once per bank (skipped if it has any lead): 2–4 leads per manager, in every status, with a
    follow-up due today for each manager's newest one."""
    if Lead.objects.exists():
        return 0
    rng = random.Random(seed)
    consent = consent_current()
    products = list(Product.objects.on_sale())
    today = timezone.localdate()
    made = 0
    for manager in Staff.objects.filter(role=Staff.Role.MANAGER, left_at__isnull=True):
        visitors = list(Visitor.objects.filter(owner=manager, is_bot=False).order_by("pk")[:4])
        for index in range(rng.randint(2, 4)):
            product = rng.choice(products) if products and rng.random() < 0.7 else None
            lead = lead_submit(
                page_staff=manager,
                consent=consent,
                name=rng.choice(NAMES),
                mobile=f"13{rng.randint(5, 9)}{rng.randint(0, 99_999_999):08d}",
                product=product,
                note=rng.choice(NOTES),
                visitor=visitors[index] if index < len(visitors) else None,
            ).lead
            Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - timedelta(days=index * 3 + 1))
            if index == 0:
                lead_follow_up_set(lead=lead, on=today)
            elif index == 1:
                lead_status_change(lead=lead, status=Lead.Status.CONTACTED, actor=manager)
                lead_note_add(lead=lead, author=manager, text="已电话沟通，客户下周到网点面谈。")
                lead_follow_up_set(lead=lead, on=today + timedelta(days=5))
            elif index == 2 and products:
                lead_status_change(
                    lead=lead,
                    status=Lead.Status.CONVERTED,
                    actor=manager,
                    amount=Decimal(rng.choice([50_000, 100_000, 200_000])),
                    product=product or products[0],
                )
            else:
                lead_status_change(lead=lead, status=Lead.Status.INVALID, actor=manager)
            made += 1
    return made


QUESTIONS = [
    (
        "请问三年期定期存款现在利率是多少？",
        "您好，目前三年期定存年利率以网点公示为准，欢迎到网点详询，我也可以电话给您介绍。",
    ),
    ("周六网点营业吗？", "周六上午九点到下午四点营业，大额取现请提前一天预约。"),
    ("信用卡年费怎么收？", ""),
]


def messages_seed(*, seed: int = 13) -> int:
    """Once per bank (skipped if it has any message thread): one or two conversations per manager,
    one answered and one still waiting for the manager's reply."""
    if MessageThread.objects.exists():
        return 0
    rng = random.Random(seed)
    made = 0
    for manager in Staff.objects.filter(role=Staff.Role.MANAGER, left_at__isnull=True):
        visitors = list(Visitor.objects.filter(owner=manager, is_bot=False).order_by("-pk")[:2])
        for index in range(rng.randint(1, 2)):
            question, answer = rng.choice(QUESTIONS)
            visitor = visitors[index] if index < len(visitors) else None
            thread = message_post(page_staff=manager, text=question, visitor=visitor).thread
            if answer and index == 0:
                message_reply(thread=thread, author=manager, text=answer)
            made += 1
    return made
