"""The workspace's sections. Each app registers what it adds; the shell shows only those the
viewer's role may use. (`org` imports no feature app: they register themselves in `ready()`.)"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # lazy translation
    url_name: str
    roles: tuple[str, ...]
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_sections: dict[str, Section] = {}


def section_register(section: Section) -> None:
    _sections[section.key] = section


def sections_for(staff) -> list[Section]:
    if staff is None:
        return []
    return sorted((s for s in _sections.values() if staff.role in s.roles), key=lambda s: s.order)
