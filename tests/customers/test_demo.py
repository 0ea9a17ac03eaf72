from customers.demo import leads_seed, messages_seed
from customers.models import Lead, MessageThread
from tests.factories import ProductFactory, StaffFactory


def test_demo_leads_are_seeded_once_in_every_status(bank, consent):
    ProductFactory()
    for _ in range(3):
        StaffFactory()
    made = leads_seed()
    assert made == Lead.objects.count() >= 6
    assert {"new", "contacted"} <= set(Lead.objects.values_list("status", flat=True))
    assert leads_seed() == 0


def test_demo_messages_are_seeded_once_some_answered(bank):
    for _ in range(3):
        StaffFactory()
    made = messages_seed()
    assert made == MessageThread.objects.count() >= 3
    assert MessageThread.objects.filter(awaiting_reply=True).exists()
    assert messages_seed() == 0
