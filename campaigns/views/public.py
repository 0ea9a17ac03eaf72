"""The customer's side of campaigns: `/c/<code>` (a manager's link), its way on to the goal, the
claim of a limited-quota offer, the link's QR code, and the per-visitor placements a cached
storefront page asks for (`/c/page/<staff code>`). Never cached; CSRF on the claim form."""

import json
import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from campaigns import selectors, services
from campaigns.forms import ClaimForm
from campaigns.models import Campaign, CampaignLink
from cms.forms import QrOptionsForm
from cms.http import image_response
from cms.models import Product
from cms.qr import qr_etag, qr_png, rendered_get, rendered_set
from customers.ratelimit import rate_limit_exceeded
from customers.services import consent_current
from insights.bots import is_bot
from insights.identity import visitor_cookie_set, visitor_token_read
from insights.services import hit_record, staff_in_charge, visitor_for_request
from org.models import Staff
from questionnaires.models import Questionnaire
from questionnaires.services import QuestionnaireError, share_get_or_create

logger = logging.getLogger(__name__)

# Without the bank's visitor cookie (blocked, or a bot-like first request), this cookie still
# keeps one claim per browser.
CLAIMER_COOKIE = "yd_c"
CLAIMER_COOKIE_SALT = "campaigns.claimer"
# Per browser: how many times today each pop-up was shown (the pop-up's frequency cap).
POPUP_COOKIE = "yd_cp"
POPUP_COOKIE_SALT = "campaigns.popups"
SHOWN_MAX = 10


def _link(code: str) -> CampaignLink:
    link = (
        CampaignLink.objects.select_related("campaign", "staff__branch", "staff__successor")
        .filter(code=code.lower()[:16])
        .first()
    )
    if link is None or link.campaign.status == Campaign.Status.DRAFT:
        raise Http404
    return link


def _bot(request) -> bool:
    return is_bot(request.headers.get("User-Agent", ""))


def _attribute(request, link: CampaignLink, response) -> None:
    """The visit through a manager's campaign link counts exactly as a scan of their storefront
    link: the same durable tracking hit (`insights.services.hit_record`), from which ingest works
    out the visitor, first-touch attribution and the scan; a newcomer gets the visitor cookie
    here. Tracking never breaks the page: a failure is logged."""
    try:
        hit = hit_record(request=request, code=link.staff.code, entry=True, referral_code=request.GET.get("r", ""))
    except Exception:
        logger.exception("campaign landing: tracking hit failed")
        return
    if hit.is_new:
        visitor_cookie_set(response, hit.token, hit.share_code, secure=request.is_secure())


def _claimer_token(request) -> tuple[str, bool]:
    token = visitor_token_read(request) or request.get_signed_cookie(CLAIMER_COOKIE, "", salt=CLAIMER_COOKIE_SALT)
    if token:
        return token, False
    return secrets.token_urlsafe(24), True


def _landing(request, link: CampaignLink, *, form=None, refusal=None, status=None, token=""):
    campaign = link.campaign
    context = {
        "campaign": campaign,
        "link": link,
        "page_staff": staff_in_charge(link.staff),
        "ended": campaign.has_ended(),
        "not_started": timezone.now() < campaign.starts_at,
        "refusal": refusal,
    }
    if campaign.goal == Campaign.Goal.QUOTA:
        token = token or _claimer_token(request)[0]
        context["claim"] = services.claim_of(campaign=campaign, visitor_token=token)
        context["availability"] = services.claim_availability(campaign=campaign)
        if context["availability"] is None:  # the form is shown
            context["consent"] = consent_current()
            context["form"] = form or ClaimForm(initial={"consent_version": getattr(context["consent"], "version", "")})
    if status is None:
        status = 410 if context["ended"] else 200
    response = render(request, "campaigns/public/landing.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def landing(request, code: str):
    """`/c/<code>`: the campaign through a manager's link. Counts the visit as that manager's scan
    and the campaign's click, then shows the creative and leads on (friend assist has its own page)."""
    link = _link(code)
    campaign = link.campaign
    returning = request.GET.get("done") == "1"  # back from our own claim form: not a new click
    if campaign.goal == Campaign.Goal.ASSIST and not campaign.has_ended():
        try:
            response = redirect(reverse("campaigns_assist:start", args=[link.code]))
        except NoReverseMatch:
            raise Http404 from None
    else:
        response = _landing(request, link)
    if not returning:
        _attribute(request, link, response)
        services.campaign_action_record(
            campaign=campaign,
            action="click",
            visitor=visitor_for_request(request),
            page_staff=link.staff,
            is_bot=_bot(request),
        )
    return response


@never_cache
@require_GET
def go(request, code: str):
    """`/c/<code>/go`: on to the campaign's product or questionnaire (a conversion). A product is
    left through the storefront's tracked outbound link, which only ever redirects to the bank's own
    catalog URL; a questionnaire through the page owner's own `/q/<code>`. Nothing here takes a URL
    from the request, so this is no open redirect."""
    link = _link(code)
    campaign = link.campaign
    staff = staff_in_charge(link.staff)
    landing_url = reverse("campaigns_public:landing", args=[link.code]) + "?done=1"
    if not campaign.is_running():
        return redirect(landing_url)
    if campaign.goal == Campaign.Goal.PRODUCT:
        product = Product.objects.on_sale().filter(pk=campaign.product_id).first()
        if product is None:
            return redirect(landing_url)
        if product.link_url:
            target = reverse("storefront:outbound", args=[staff.code, "product", product.pk])
        else:
            target = reverse("storefront:page", args=[staff.code])
    elif campaign.goal == Campaign.Goal.QUESTIONNAIRE:
        questionnaire = Questionnaire.objects.filter(
            pk=campaign.questionnaire_id, status=Questionnaire.Status.PUBLISHED
        ).first()
        if questionnaire is None:
            return redirect(landing_url)
        try:
            share = share_get_or_create(questionnaire=questionnaire, staff=staff)
        except QuestionnaireError:
            return redirect(landing_url)
        target = reverse("questionnaires_public:answer", args=[share.code])
    else:
        return redirect(landing_url)
    services.campaign_action_record(
        campaign=campaign,
        action="conversion",
        visitor=visitor_for_request(request),
        page_staff=link.staff,
        is_bot=_bot(request),
    )
    return redirect(target)


@never_cache
@require_POST
def claim(request, code: str):
    """`POST /c/<code>/claim`: one unit of a limited-quota offer. 302 to the landing on success;
    400 bad input, 409 not started or already claimed, 410 sold out or ended, 429 too many tries."""
    link = _link(code)
    if link.campaign.goal != Campaign.Goal.QUOTA:
        raise Http404
    token, new_token = _claimer_token(request)
    # Sold out (most of a burst), ended or not started: answered from the campaign row already
    # read, before anything else. Such answers write nothing, so they do not count against the
    # rate limit below, which guards the attempts that can take a unit.
    refusal = services.claim_availability(campaign=link.campaign)
    if refusal is not None:
        return _with_token(_landing(request, link, status=refusal.status, token=token), token, new_token)
    if rate_limit_exceeded(
        request=request,
        action="campaign_claim",
        per_visitor=settings.CAMPAIGN_CLAIMS_PER_VISITOR_HOUR,
        per_network=settings.CAMPAIGN_CLAIMS_PER_NETWORK_HOUR,
    ):
        response = render(
            request, "customers/public/too_many.html", {"page_staff": staff_in_charge(link.staff)}, status=429
        )
        response["Retry-After"] = "3600"
        return response
    done = reverse("campaigns_public:landing", args=[link.code]) + "?done=1"
    form = ClaimForm(request.POST)
    if form.is_robot:
        return redirect(done)
    if not form.is_valid():
        return _with_token(_landing(request, link, form=form, status=400, token=token), token, new_token)
    try:
        services.quota_claim(
            link=link,
            mobile=form.cleaned_data["mobile"],
            consent=form.cleaned_data["consent_version"],
            visitor_token=token,
            visitor=visitor_for_request(request),
        )
    except services.ClaimRefused as refusal:
        response = _landing(request, link, form=form, refusal=refusal, status=refusal.status, token=token)
        return _with_token(response, token, new_token)
    return _with_token(redirect(done), token, new_token)


def _with_token(response, token: str, new: bool):
    if new:
        response.set_signed_cookie(
            CLAIMER_COOKIE, token, salt=CLAIMER_COOKIE_SALT, max_age=60 * 60 * 24 * 730, httponly=True, samesite="Lax"
        )
    return response


@require_safe
def link_qr(request, code: str):
    """`/c/<code>/qr.png`: the manager's campaign link as a QR code (cached like every QR code)."""
    form = QrOptionsForm(request.GET)
    if not form.is_valid():
        raise Http404
    options = form.options()
    url = request.build_absolute_uri(reverse("campaigns_public:landing", args=[code.lower()]))
    etag = qr_etag(data=url, options=options, fmt="png")
    content = rendered_get(etag=etag)
    if content is None:
        _link(code)
        content = qr_png(data=url, options=options)
        rendered_set(etag=etag, content=content)
    return image_response(request, content=content, etag=etag, content_type="image/png")


# --- Placements that depend on the visitor ----------------------------------------------------------


def _cross_site(request) -> bool:
    """Like storefront tracking, this takes no CSRF token (the page asking is cached for everyone),
    so it refuses requests another site's page makes (browsers send Origin on cross-site POSTs)."""
    origin = request.headers.get("Origin")
    return bool(origin) and urlsplit(origin).netloc != request.get_host()


def _popups_seen(request) -> dict:
    """{campaign id: times shown today} from the signed cookie; a stale day starts afresh."""
    try:
        raw = request.get_signed_cookie(POPUP_COOKIE, "", salt=POPUP_COOKIE_SALT)
        value = json.loads(raw) if raw else {}
    except (signing.BadSignature, ValueError):
        value = {}
    if not isinstance(value, dict) or value.get("d") != timezone.localdate().isoformat():
        return {}
    counts = value.get("n")
    return counts if isinstance(counts, dict) else {}


@csrf_exempt
@never_cache
@require_POST
def page_placements(request, staff_code: str):
    """`POST /c/page/<staff code>`: asked by a cached storefront page that has campaigns. Records
    the impressions of the banners and cards it showed everyone (`shown`), and answers the HTML of
    what only this visitor sees: banners for their tags, and a pop-up unless its daily cap for them
    is reached. Empty when there is nothing for them."""
    if _cross_site(request):
        return HttpResponseForbidden()
    staff = Staff.objects.select_related("branch").filter(code=staff_code.lower()[:16]).first()
    if staff is None:
        raise Http404
    response = HttpResponse(content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    if staff.left_at is not None:
        return response
    bot = _bot(request)
    visitor = visitor_for_request(request)
    shown = {int(v) for v in request.POST.get("shown", "").split(",")[:SHOWN_MAX] if v.strip().isdigit()}
    for campaign in selectors.campaigns_shown_to_everyone(ids=shown):
        services.campaign_action_record(
            campaign=campaign, action="impression", visitor=visitor, page_staff=staff, is_bot=bot
        )
    tag_ids = selectors.visitor_tag_ids(visitor=visitor)
    banners, popup = [], None
    seen = _popups_seen(request)
    for campaign in selectors.campaigns_for_page(staff=staff):
        if not selectors.in_audience(campaign=campaign, tag_ids=tag_ids):
            continue
        if campaign.show_banner and campaign.audience_tag_ids:
            banners.append(campaign)
        if popup is None and campaign.show_popup and seen.get(str(campaign.pk), 0) < campaign.popup_daily_cap:
            popup = campaign
    if not banners and popup is None:
        return response
    for campaign in banners:
        services.campaign_action_record(
            campaign=campaign,
            action="impression",
            visitor=visitor,
            page_staff=staff,
            is_bot=bot,
            data={"placement": "banner"},
        )
    if popup is not None:
        services.campaign_action_record(
            campaign=popup,
            action="impression",
            visitor=visitor,
            page_staff=staff,
            is_bot=bot,
            data={"placement": "popup"},
        )
        seen[str(popup.pk)] = seen.get(str(popup.pk), 0) + 1
        response.set_signed_cookie(
            POPUP_COOKIE,
            json.dumps({"d": timezone.localdate().isoformat(), "n": seen}),
            salt=POPUP_COOKIE_SALT,
            max_age=60 * 60 * 24 * 2,
            httponly=True,
            samesite="Lax",
        )
    links = {
        c.pk: services.link_get_or_create(campaign=c, staff=staff) for c in [*banners, *([popup] if popup else [])]
    }
    response.content = render_to_string(
        "campaigns/storefront/personal.html",
        {"banners": [(c, links[c.pk]) for c in banners], "popup": (popup, links[popup.pk]) if popup else None},
        request=request,
    ).encode()
    return response
