"""Branches that take appointments, service types, and a way to book them."""

from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from appointments.models import OpeningHours, ServiceType, SlotCapacity
from tests.factories import BranchFactory, StaffFactory


def local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    return local(timezone.localdate() + timedelta(days=1), hour, minute)


def open_every_day(branch, opens=time(9), closes=time(17), capacity=2):
    for weekday in range(7):
        OpeningHours.objects.create(branch=branch, weekday=weekday, opens=opens, closes=closes)
    SlotCapacity.objects.create(branch=branch, capacity=capacity)
    return branch


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def branch(bank):
    return open_every_day(BranchFactory(name="八一支行"))


@pytest.fixture
def service(bank):
    return ServiceType.objects.create(name="测试业务", notice_hours=0, slot_minutes=30, sort_order=0)


@pytest.fixture
def manager(branch):
    return StaffFactory(name="陈晓", branch=branch)
