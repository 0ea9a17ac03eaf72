"""Factories for the current bank's schema (the `bank` fixture sets it)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from org.models import Branch, Staff
from org.services.staff import staff_code_new, staff_role_apply

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"u{n:05d}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    code = factory.Sequence(lambda n: f"B{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}支行")
    parent = factory.LazyFunction(lambda: Branch.objects.get(code="HQ"))
    address = "南昌市东湖区八一大道1号"
    phone = "0791-88880000"
    opening_hours = "周一至周五 9:00-17:00"

    @factory.lazy_attribute
    def path(self):
        return f"{self.parent.path}{self.code}/" if self.parent else f"/{self.code}/"

    @factory.lazy_attribute
    def depth(self):
        return self.parent.depth + 1 if self.parent else 0


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        skip_postgeneration_save = True  # apply_role saves what it changes

    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    user = factory.LazyAttribute(lambda o: UserFactory(username=o.employee_no))
    name = factory.Sequence(lambda n: f"员工{n}")
    role = Staff.Role.MANAGER
    branch = factory.SubFactory(BranchFactory)
    title = "客户经理"
    mobile = "13800138000"
    code = factory.LazyFunction(staff_code_new)
    must_change_password = False

    @factory.post_generation
    def apply_role(obj, create, extracted, **kwargs):
        if create:
            staff_role_apply(staff=obj)


class ProductFactory(factory.django.DjangoModelFactory):
    """A live, on-sale product (the row of a snippet with drafts is its live version)."""

    class Meta:
        model = "cms.Product"

    category = "deposit"
    name = factory.Sequence(lambda n: f"产品{n}")
    selling_points = "随存随取\n起存门槛低"
    rate_display = "1.55%"
    rate_basis = "年化利率"
    term = "3年"
    minimum_amount = "50元"
    risk_level = "R1"
    risk_warning = "存款有风险，但受存款保险保障。"
    link_url = factory.Sequence(lambda n: f"https://bank.example.com/products/{n}")
    status = "on_sale"
    live = True


class WealthProductFactory(ProductFactory):
    category = "wealth"
    rate_display = "3.10%–3.60%"
    rate_basis = "业绩比较基准"
    risk_level = "R2"
    risk_warning = "理财非存款、产品有风险、投资须谨慎"


class BillPaymentServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cms.BillPaymentService"

    name = factory.Sequence(lambda n: f"缴费{n}")
    category = "water"
    payment_url = factory.Sequence(lambda n: f"https://pay.bank.example.com/bill/{n}")
    live = True


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cms.Article"

    title = factory.Sequence(lambda n: f"资讯{n}")
    body = "<p>正文</p>"
    live = True


def manager_with_page(**kwargs):
    """A manager who got their storefront page the way real staff do (org service + signal)."""
    from org.models import Branch
    from org.services.staff import staff_create

    branch = kwargs.pop("branch", None) or BranchFactory(parent=Branch.objects.get(code="HQ"))
    staff, _password = staff_create(
        employee_no=kwargs.pop("employee_no", None) or f"M{Staff.objects.count() + 1:05d}",
        name=kwargs.pop("name", "测试经理"),
        branch=branch,
        **kwargs,
    )
    staff.user.set_password(PASSWORD)
    staff.user.save()
    Staff.objects.filter(pk=staff.pk).update(must_change_password=False)
    staff.refresh_from_db()
    return staff
