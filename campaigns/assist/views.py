"""The customer's side of friend assist (mobile H5, for WeChat's browser): never cached, with CSRF,
a honeypot and rate limits on every form.

`/c/<code>/assist/`            the campaign and the form to start an assist (and the device's own chains)
`/c/<code>/assist/<token>/`    one chain: its progress, the form for a friend to help, the winner's reward
"""

import secrets

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from campaigns.assist import selectors, services
from campaigns.assist.forms import AssistPhoneForm
from customers.ratelimit import rate_limit_exceeded
from customers.services import consent_current
from insights.identity import ip_hash, visitor_token_read
from insights.services import staff_in_charge, visitor_for_request

# The device's identity for this app: set on first visit and kept, so that a starter who later gets
# the bank's visitor cookie is still recognised as the starter (and cannot help their own chain).
DEVICE_COOKIE = "yd_a"
DEVICE_COOKIE_SALT = "campaigns.assist.device"
DEVICE_COOKIE_MAX_AGE = 60 * 60 * 24 * 730


def _participant(request) -> tuple[services.Participant, bool]:
    """(who is acting, whether the device cookie must be set on the response)."""
    token = request.get_signed_cookie(DEVICE_COOKIE, "", salt=DEVICE_COOKIE_SALT)
    new = not token
    if new:
        token = visitor_token_read(request) or secrets.token_urlsafe(24)
    participant = services.Participant(
        token=token[:64], visitor=visitor_for_request(request), network_hash=ip_hash(request.META)
    )
    return participant, new


def _finish(request, response, participant: services.Participant, new: bool):
    if new:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            participant.token,
            salt=DEVICE_COOKIE_SALT,
            max_age=DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    response["X-Robots-Tag"] = "noindex"
    return response


def _link(code: str):
    link = selectors.link_public(code=code)
    if link is None:
        raise Http404
    page_staff = staff_in_charge(link.staff)
    if page_staff.has_left:
        raise Http404
    return link, page_staff


def _too_many(request, page_staff):
    response = render(request, "customers/public/too_many.html", {"page_staff": page_staff}, status=429)
    response["Retry-After"] = "3600"
    return response


def _rate_limited(request) -> bool:
    return rate_limit_exceeded(
        request=request,
        action="assist",
        per_visitor=settings.LEAD_SUBMITS_PER_VISITOR_HOUR,
        per_network=settings.LEAD_SUBMITS_PER_NETWORK_HOUR,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def start_page(request, code: str):
    link, page_staff = _link(code)
    campaign, setup = link.campaign, link.campaign.assist_setup
    participant, new = _participant(request)
    consent = consent_current()
    refused = services.campaign_unavailable_reason(campaign=campaign)
    status = 200
    form = AssistPhoneForm(initial={"consent_version": consent.version if consent else None})
    if request.method == "POST":
        if _rate_limited(request):
            return _finish(request, _too_many(request, page_staff), participant, new)
        form = AssistPhoneForm(request.POST)
        if form.is_robot:
            # Robots get an ordinary answer and nothing is stored.
            return _finish(request, redirect("campaigns_assist:start", code=link.code), participant, new)
        if form.is_valid():
            try:
                chain = services.chain_start(
                    link=link,
                    mobile=form.cleaned_data["mobile"],
                    consent=form.cleaned_data["consent_version"],
                    participant=participant,
                )
            except services.AssistRefused as exc:
                form.add_error(None, str(exc))
                status = exc.status
            else:
                response = redirect("campaigns_assist:chain", code=link.code, token=chain.token)
                return _finish(request, response, participant, new)
        else:
            status = 400
    context = {
        "link": link,
        "campaign": campaign,
        "setup": setup,
        "page_staff": page_staff,
        "consent": consent,
        "form": form,
        "refused": refused,
        "my_chains": selectors.chains_started_by(campaign=campaign, token=participant.token)[:5],
    }
    response = render(request, "campaigns_assist/start.html", context, status=status)
    return _finish(request, response, participant, new)


@never_cache
@require_http_methods(["GET", "POST"])
def chain_page(request, code: str, token: str):
    link, page_staff = _link(code)
    chain = selectors.chain_public(link=link, token=token)
    if chain is None:
        raise Http404
    campaign, setup = link.campaign, link.campaign.assist_setup
    participant, new = _participant(request)
    consent = consent_current()
    is_starter = participant.token == chain.starter_token or (
        participant.visitor is not None and participant.visitor.pk == chain.starter_visitor_id
    )
    status, refusal = 200, ""
    form = AssistPhoneForm(initial={"consent_version": consent.version if consent else None})
    here = reverse("campaigns_assist:chain", kwargs={"code": link.code, "token": chain.token})
    if request.method == "POST":
        if _rate_limited(request):
            return _finish(request, _too_many(request, page_staff), participant, new)
        form = AssistPhoneForm(request.POST)
        if form.is_robot:
            return _finish(request, redirect(here + "?helped=1"), participant, new)
        if form.is_valid():
            try:
                services.assist_give(
                    chain=chain,
                    mobile=form.cleaned_data["mobile"],
                    consent=form.cleaned_data["consent_version"],
                    participant=participant,
                )
            except services.AssistRefused as exc:
                refusal, status = str(exc), exc.status
            else:
                return _finish(request, redirect(here + "?helped=1"), participant, new)
        else:
            status = 400
        chain.refresh_from_db()
    helped = selectors.assist_by_device(campaign=campaign, token=participant.token)
    reward_code = None
    if is_starter and chain.reward_status == chain.Reward.GIVEN and setup.reward_kind == setup.RewardKind.CODE:
        reward_code = selectors.reward_code_for(chain=chain)  # only ever shown to its winner
    context = {
        "link": link,
        "campaign": campaign,
        "setup": setup,
        "chain": chain,
        "page_staff": page_staff,
        "assists": selectors.assists_of(chain=chain),
        "is_starter": is_starter,
        "helped": helped,
        "helped_here": helped is not None and helped.chain_id == chain.pk,
        "just_helped": request.GET.get("helped") == "1",
        "reward_code": reward_code,
        "refused": services.campaign_unavailable_reason(campaign=campaign),
        "refusal": refusal,
        "consent": consent,
        "form": form,
        "share_url": request.build_absolute_uri(here),
    }
    response = render(request, "campaigns_assist/chain.html", context, status=status)
    return _finish(request, response, participant, new)
