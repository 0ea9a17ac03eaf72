"""Workspace sections and the home panel of statistics."""

from django.utils.translation import gettext_lazy as _

from org.workspace import Section, home_panel_register, section_register


def sections_register() -> None:
    from insights.stats_views import home_panel

    section_register(Section("stats", _("My numbers"), "stats:mine", ("manager", "branch_head", "hq_admin"), order=12))
    section_register(Section("stats_team", _("Leaderboard"), "stats:team", ("branch_head", "hq_admin"), order=13))
    section_register(Section("stats_bank", _("Bank statistics"), "stats:bank", ("hq_admin",), order=14))
    home_panel_register("stats", home_panel, order=10)
