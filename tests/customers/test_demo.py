from customers.demo import leads_seed
from customers.models import Lead
from tests.factories import ProductFactory, StaffFactory


def test_demo_leads_are_seeded_once_in_every_status(bank, consent):
    ProductFactory()
    for _ in range(3):
        StaffFactory()
    made = leads_seed()
    assert made == Lead.objects.count() >= 6
    assert {"new", "contacted"} <= set(Lead.objects.values_list("status", flat=True))
    assert leads_seed() == 0
