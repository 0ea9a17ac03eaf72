"""Marketing compliance rules shared by the catalog and managers' own text."""

from django.utils.html import strip_tags
from django.utils.translation import gettext as _


def banned_phrases() -> list[str]:
    from cms.models import ComplianceSettings

    return ComplianceSettings.load().phrase_list


def banned_phrase_found(text: str, phrases: list[str] | None = None) -> str | None:
    """The first banned phrase in `text` (HTML ignored, case-insensitive), or None."""
    if not text:
        return None
    plain = strip_tags(str(text)).lower()
    for phrase in banned_phrases() if phrases is None else phrases:
        if phrase.lower() in plain:
            return phrase
    return None


def banned_phrases_check(text: str) -> str | None:
    """An error message naming the banned phrase in `text`, or None if it is clean."""
    phrase = banned_phrase_found(text)
    if phrase is None:
        return None
    return _("“%(phrase)s” may not be used in marketing text (the bank's banned phrases).") % {"phrase": phrase}
