"""The booking as an iCalendar file (RFC 5545), for the customer's phone calendar.

Small enough to write by hand rather than add a dependency: one event, times in UTC, text escaped
and long lines folded as the RFC asks."""

from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import Booking


def _text(value: str) -> str:
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (never inside a character)."""
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(*, booking: Booking, host: str) -> str:
    branch = booking.branch
    location = "，".join(part for part in (branch.name, branch.address) if part)
    description = _("Confirmation code: %(code)s") % {"code": booking.code}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Yundian//Branch appointments//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:booking-{booking.code}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(booking.starts_at)}",
        f"DTEND:{_utc(booking.ends_at)}",
        f"SUMMARY:{_text(f'{booking.service.name} · {branch.name}')}",
        f"LOCATION:{_text(location)}",
        f"DESCRIPTION:{_text(description)}",
        "STATUS:CANCELLED" if booking.status == Booking.Status.CANCELLED else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
