"""Small formatting filters of the statistics pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def signed(value) -> str:
    """A change as "+3", "−2" (a true minus sign) or "0"."""
    if value is None:
        return ""
    text = f"{abs(value):.2f}" if isinstance(value, Decimal) else str(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


@register.filter
def absolute(value):
    return abs(value) if value is not None else value


@register.filter
def percent_of(value, whole) -> float:
    """`value` as a percentage of `whole` (0–100, for bar widths)."""
    try:
        return round(float(value) * 100 / float(whole), 1) if whole else 0.0
    except (TypeError, ValueError):
        return 0.0
