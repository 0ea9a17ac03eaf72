"""Telling crawlers, link-preview bots and uptime checkers from people, by their User-Agent.

Bots are still recorded (marked), and excluded from every statistic. The list covers the search
engines, chat apps' link previews (WeChat's own preview fetcher included), monitoring services and
HTTP libraries seen in practice; it errs on the side of counting a person as a person.
"""

import re

BOT_PATTERN = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|fetch|monitor|uptime|pingdom|statuscake|headless|phantomjs"
    r"|facebookexternalhit|whatsapp|telegram|slack|discord|skype|linkedin|embedly|quora link"
    r"|baiduspider|sogou|360spider|haosou|yisouspider|bytespider|petalbot|yandex|bingpreview"
    r"|curl/|wget/|python-requests|python-urllib|httpx|aiohttp|go-http-client|java/|okhttp|axios|node-fetch"
    r"|lighthouse|pagespeed|gtmetrix|chrome-lighthouse",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    """True for automated clients; an empty User-Agent counts as one (browsers always send it)."""
    return not user_agent or bool(BOT_PATTERN.search(user_agent))
