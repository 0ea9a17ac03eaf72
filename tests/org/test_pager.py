from tests.factories import BranchFactory, StaffFactory


def test_the_staff_list_pages_keep_the_search(bank, bank_client):
    branch = BranchFactory(name="城东支行")
    head = StaffFactory(role="hq_admin")
    for _ in range(55):
        StaffFactory(branch=branch)
    bank_client.force_login(head.user)
    first = bank_client.get("/workspace/staff/?q=城东")
    html = first.content.decode()
    assert 'href="?q=%E5%9F%8E%E4%B8%9C&amp;page=2"' in html
    second = bank_client.get("/workspace/staff/?q=城东&page=2")
    assert len(second.context["page"]) == 5
