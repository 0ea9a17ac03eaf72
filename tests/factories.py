"""Factories for the current bank's schema (the `bank` fixture sets it)."""

import factory
from django.contrib.auth import get_user_model

from org.models import Branch, Staff
from org.services.staff import staff_code_new, staff_role_apply

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"u{n:05d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


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
