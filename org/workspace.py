"""The workspace's sections. Each app registers what it adds; the shell shows only those the
viewer's role may use. (`org` imports no feature app: they register themselves in `ready()`.)"""

from collections.abc import Callable
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


# Panels an app puts at the top of the workspace home (e.g. statistics' "my numbers today"): each
# is called with the request and returns HTML (already rendered and escaped) or "" to show nothing.
_home_panels: dict[str, tuple[int, Callable]] = {}


def home_panel_register(key: str, panel: Callable, *, order: int = 100) -> None:
    _home_panels[key] = (order, panel)


def home_panels(request) -> list[str]:
    panels = (panel(request) for _order, panel in sorted(_home_panels.values(), key=lambda item: item[0]))
    return [html for html in panels if html]
