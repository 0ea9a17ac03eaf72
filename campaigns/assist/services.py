"""Writes for friend assist: starting a chain, helping a friend, the reward, the code pool, and head
office's review.

Every rule is enforced here, in the transaction that writes, so that a public form, a test or a
script cannot get around one. Concurrency: an assist locks its chain's row before counting, so the
reward is decided by exactly one transaction; velocity counts are serialised per network and per
device with transaction-scoped advisory locks (no row exists yet to lock), taken before the chain's
row and always in the same order.
"""

import csv
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campaigns.assist.models import CODE_MAX, Assist, AssistChain, AssistSetup, RewardCode
from campaigns.models import Campaign, CampaignLink
from customers import pii
from customers.models import ConsentStatement
from insights.models import Event, Visitor
from insights.services import event_record, staff_in_charge
from org.models import Staff
from org.services.staff import audit_record

VELOCITY_WINDOW = timedelta(hours=1)
CODES_PER_UPLOAD_MAX = 20_000
CODE_HEADERS = {"code", "codes", "兑换码", "券码", "卡密", "编码"}


class AssistRefused(Exception):
    """A rule refused a start or an assist. The message is for the customer, in their language;
    `status` is the HTTP status that fits (403 forbidden, 409 conflict, 429 too many)."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.status = status


class AssistError(Exception):
    """Head office's change was refused; the message says why."""


@dataclass(frozen=True)
class Participant:
    """Who is acting: their device token (the visitor cookie's, or the assist cookie's), their
    visitor row if the bank's cookie identified them, and their network fingerprint (ip_hash)."""

    token: str
    visitor: Visitor | None
    network_hash: str


# --- Rules shared by starting and helping -------------------------------------------------------


def campaign_unavailable_reason(*, campaign: Campaign, now=None) -> str:
    """Why the campaign takes no starts or assists right now, or ""."""
    now = now or timezone.now()
    if campaign.status == Campaign.Status.DRAFT:
        return _("This campaign has not started yet.")
    if campaign.status == Campaign.Status.STOPPED or now >= campaign.ends_at:
        return _("This campaign has ended. Thank you for taking part!")
    if now < campaign.starts_at:
        start = formats.date_format(timezone.localtime(campaign.starts_at), "DATETIME_FORMAT")
        return _("This campaign starts on %(start)s. See you then!") % {"start": start}
    return ""


def _window_check(campaign: Campaign) -> None:
    reason = campaign_unavailable_reason(campaign=campaign)
    if reason:
        raise AssistRefused(reason, status=409)


def _advisory_lock(*parts) -> None:
    # Serialises the counting of one network's or one device's recent actions until commit.
    key = ":".join([connection.schema_name, "assist", *map(str, parts)])
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _device_check(*, setup: AssistSetup, token: str, now) -> None:
    """Starts and assists by one device within the hour, over every assist campaign of the bank
    (within one campaign a device helps only once anyway)."""
    _advisory_lock("device", token)
    since = now - VELOCITY_WINDOW
    recent = (
        AssistChain.objects.filter(starter_token=token, created_at__gte=since).count()
        + Assist.objects.filter(visitor_token=token, created_at__gte=since).count()
    )
    if recent >= setup.device_actions_per_hour:
        raise AssistRefused(_("Too many assists from this phone in a short time. Please try again later."), 429)


def _network_check(*, setup: AssistSetup, network_hash: str, now) -> None:
    if not network_hash:
        return
    _advisory_lock("network", setup.campaign_id, network_hash)
    recent = Assist.objects.filter(
        campaign_id=setup.campaign_id, network_hash=network_hash, created_at__gte=now - VELOCITY_WINDOW
    ).count()
    if recent >= setup.network_assists_per_hour:
        raise AssistRefused(_("Too many assists from your network in a short time. Please try again later."), 429)


def _identify(visitor: Visitor | None, mobile: str) -> None:
    # As a lead does: the visitor is now known by their (masked) number.
    if visitor is not None:
        Visitor.objects.filter(pk=visitor.pk).update(phone_masked=pii.mobile_mask(mobile))


def _event(*, action: str, campaign: Campaign, visitor: Visitor | None, page_staff: Staff, **data) -> None:
    event_record(
        kind=Event.Kind.CAMPAIGN,
        visitor=visitor,
        page_staff=page_staff,
        object_type="campaign",
        object_id=str(campaign.pk),
        data={"action": action, **data},
    )


# --- Starting -----------------------------------------------------------------------------------


def chain_start(
    *,
    link: CampaignLink,
    mobile: str,
    consent: ConsentStatement,
    participant: Participant,
) -> AssistChain:
    """A customer starts an assist through a manager's campaign link. Refused when the campaign is
    not running or when this phone or this device has started as many chains as the setup allows.
    Records the `campaign` event with action "join" and identifies the visitor by their number."""
    campaign = link.campaign
    setup = AssistSetup.objects.filter(campaign=campaign).first()
    if setup is None or campaign.goal != Campaign.Goal.ASSIST:
        raise AssistRefused(_("This campaign has no friend assist."), status=404)
    _window_check(campaign)
    mobile = pii.mobile_normalise(mobile)
    if not pii.mobile_is_valid(mobile):
        raise AssistRefused(str(pii.MOBILE_INVALID), status=400)
    phone_hash = pii.phone_hash(mobile)
    staff = staff_in_charge(link.staff)
    now = timezone.now()
    with transaction.atomic():
        _device_check(setup=setup, token=participant.token, now=now)
        _advisory_lock("starter", campaign.pk, phone_hash)
        started = AssistChain.objects.filter(campaign=campaign).filter(
            Q(phone_hash=phone_hash) | Q(starter_token=participant.token)
        )
        if started.count() >= setup.chains_per_starter:
            raise AssistRefused(
                _("You have already started %(n)s assist(s) in this campaign, the most allowed.")
                % {"n": setup.chains_per_starter},
                status=409,
            )
        chain = AssistChain.objects.create(
            campaign=campaign,
            link=link,
            staff=staff,
            branch_id=staff.branch_id,
            token=secrets.token_urlsafe(16)[:22],
            starter_visitor=participant.visitor,
            starter_token=participant.token,
            mobile_encrypted=pii.encrypt(mobile),
            mobile_masked=pii.mobile_mask(mobile),
            phone_hash=phone_hash,
            consent=consent,
            network_hash=participant.network_hash,
            target=setup.helpers_needed,
        )
        _identify(participant.visitor, mobile)
        _event(action="join", campaign=campaign, visitor=participant.visitor, page_staff=staff, chain=chain.pk)
    return chain


# --- Helping ------------------------------------------------------------------------------------


def assist_give(
    *,
    chain: AssistChain,
    mobile: str,
    consent: ConsentStatement,
    participant: Participant,
) -> Assist:
    """A friend helps `chain`. Refuses self-assist (the starter's device, visitor or phone), a
    second assist in the campaign by the same device or phone, a chain that is complete or voided,
    a closed campaign and too many recent assists from one network or device. The assist that
    reaches the target gives the reward (see `_reward_give`), exactly once."""
    campaign = chain.campaign
    setup = AssistSetup.objects.get(campaign=campaign)
    _window_check(campaign)
    mobile = pii.mobile_normalise(mobile)
    if not pii.mobile_is_valid(mobile):
        raise AssistRefused(str(pii.MOBILE_INVALID), status=400)
    phone_hash = pii.phone_hash(mobile)
    now = timezone.now()
    try:
        with transaction.atomic():
            _device_check(setup=setup, token=participant.token, now=now)
            _network_check(setup=setup, network_hash=participant.network_hash, now=now)
            chain = AssistChain.objects.select_for_update().select_related("campaign", "staff").get(pk=chain.pk)
            if (
                participant.token == chain.starter_token
                or phone_hash == chain.phone_hash
                or (participant.visitor is not None and participant.visitor.pk == chain.starter_visitor_id)
            ):
                raise AssistRefused(_("You cannot help your own assist. Share it with your friends!"), status=403)
            if chain.status == AssistChain.Status.VOID:
                raise AssistRefused(_("This assist has been cancelled by the bank."), status=409)
            if chain.status == AssistChain.Status.COMPLETED or chain.assist_count >= chain.target:
                raise AssistRefused(_("Your friend already has all the help they need. Thank you!"), status=409)
            assist = Assist.objects.create(
                chain=chain,
                campaign=campaign,
                visitor=participant.visitor,
                visitor_token=participant.token,
                mobile_encrypted=pii.encrypt(mobile),
                mobile_masked=pii.mobile_mask(mobile),
                phone_hash=phone_hash,
                consent=consent,
                network_hash=participant.network_hash,
            )
            chain.assist_count += 1
            fields = ["assist_count"]
            if _looks_suspicious(chain=chain, setup=setup, network_hash=participant.network_hash, now=now):
                chain.flagged_at = chain.flagged_at or now
                fields.append("flagged_at")
            if chain.assist_count >= chain.target:
                chain.status, chain.completed_at = AssistChain.Status.COMPLETED, now
                fields += ["status", "completed_at"]
                _reward_give(chain=chain, setup=setup, now=now)
                fields += ["reward_status", "rewarded_at"]
            chain.save(update_fields=fields)
            _identify(participant.visitor, mobile)
            _event(
                action="assist", campaign=campaign, visitor=participant.visitor, page_staff=chain.staff, chain=chain.pk
            )
            if chain.status == AssistChain.Status.COMPLETED:
                _event(
                    action="reward",
                    campaign=campaign,
                    visitor=chain.starter_visitor,
                    page_staff=chain.staff,
                    chain=chain.pk,
                    owed=chain.reward_status == AssistChain.Reward.OWED,
                )
    except IntegrityError:
        # The unique constraints: this device or this phone has helped in this campaign already.
        raise AssistRefused(_("You have already helped in this campaign. Each friend can help once."), 409) from None
    return assist


def _looks_suspicious(*, chain: AssistChain, setup: AssistSetup, network_hash: str, now) -> bool:
    """Many assists on one chain from one network within a few minutes (the setup's threshold)."""
    if not network_hash or chain.flagged_at:
        return bool(chain.flagged_at)
    since = now - timedelta(minutes=setup.review_window_minutes)
    recent = Assist.objects.filter(chain=chain, network_hash=network_hash, created_at__gte=since).count()
    return recent >= setup.review_network_assists


def _reward_give(*, chain: AssistChain, setup: AssistSetup, now) -> None:
    """Called with the chain's row locked, once, by the assist that completes it. A code is taken
    with a conditional UPDATE (free codes locked by another chain's transaction are skipped, not
    waited for); with none left the chain is owed its reward until head office adds codes."""
    chain.rewarded_at = now
    if setup.reward_kind == AssistSetup.RewardKind.ELIGIBLE:
        chain.reward_status = AssistChain.Reward.GIVEN
        return
    if _code_take(chain=chain, setup=setup, now=now):
        chain.reward_status = AssistChain.Reward.GIVEN
    else:
        chain.reward_status = AssistChain.Reward.OWED


def _code_take(*, chain: AssistChain, setup: AssistSetup, now) -> bool:
    for _attempt in range(3):
        code = (
            RewardCode.objects.select_for_update(skip_locked=True)
            .filter(setup=setup, chain__isnull=True)
            .order_by("pk")
            .first()
        )
        if code is None:
            return False
        if RewardCode.objects.filter(pk=code.pk, chain__isnull=True).update(chain=chain, given_at=now):
            return True
    return False


# --- Head office: the code pool -----------------------------------------------------------------


def codes_parse(*, text: str = "", upload=None) -> list[str]:
    """Codes from pasted text (one a line) and/or an uploaded CSV or text file (first column of
    each row; a header such as "code" or "兑换码" is skipped). UTF-8, or GBK as Excel saves it in
    China. Duplicates are dropped; a code with spaces or over 64 characters is refused."""
    chunks = [text or ""]
    if upload is not None:
        raw = upload.read(2_000_001)
        if len(raw) > 2_000_000:
            raise AssistError(_("The file is too large (at most 2 MB)."))
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                chunks.append(raw.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            raise AssistError(_("The file could not be read. Save it as CSV (UTF-8) and try again."))
    codes: dict[str, None] = {}
    for chunk in chunks:
        for row in csv.reader(io.StringIO(chunk)):
            value = row[0].strip() if row else ""
            if not value or value.lower() in CODE_HEADERS:
                continue
            if len(value) > CODE_MAX or any(ch.isspace() for ch in value):
                raise AssistError(
                    _("“%(code)s” is not a valid code (no spaces, at most %(n)s characters).")
                    % {"code": value[:20], "n": CODE_MAX}
                )
            codes[value] = None
    if len(codes) > CODES_PER_UPLOAD_MAX:
        raise AssistError(_("At most %(n)s codes per upload.") % {"n": CODES_PER_UPLOAD_MAX})
    return list(codes)


def _code_hash(code: str) -> str:
    key = (getattr(settings, "PII_HASH_KEY", "") or f"assist-codes:{settings.SECRET_KEY}").encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def reward_codes_add(*, setup: AssistSetup, codes: list[str], actor: Staff | None) -> int:
    """Add codes to the pool (codes already in it are skipped), then give the new codes to chains
    owed a reward, oldest first. Audited. Returns how many codes were added."""
    if codes and setup.reward_kind != AssistSetup.RewardKind.CODE:
        raise AssistError(_("This reward is not a code: choose “A code from the pool” to add codes."))
    before = RewardCode.objects.filter(setup=setup).count()
    RewardCode.objects.bulk_create(
        [RewardCode(setup=setup, code_encrypted=pii.encrypt(code), code_hash=_code_hash(code)) for code in codes],
        ignore_conflicts=True,
        batch_size=1000,
    )
    added = RewardCode.objects.filter(setup=setup).count() - before
    settled = owed_rewards_settle(setup=setup) if added else 0
    if codes:
        audit_record(
            actor=actor, action="assist.codes_add", target=setup, detail={"added": added, "owed_settled": settled}
        )
    return added


def owed_rewards_settle(*, setup: AssistSetup) -> int:
    """Chains owed a reward get a free code each, oldest first, while codes last."""
    settled = 0
    owed = AssistChain.objects.filter(
        campaign_id=setup.campaign_id, status=AssistChain.Status.COMPLETED, reward_status=AssistChain.Reward.OWED
    ).order_by("completed_at", "pk")
    for chain_id in owed.values_list("pk", flat=True):
        with transaction.atomic():
            chain = AssistChain.objects.select_for_update().get(pk=chain_id)
            if chain.reward_status != AssistChain.Reward.OWED or chain.status != AssistChain.Status.COMPLETED:
                continue
            now = timezone.now()
            if not _code_take(chain=chain, setup=setup, now=now):
                break
            chain.reward_status, chain.rewarded_at = AssistChain.Reward.GIVEN, now
            chain.save(update_fields=["reward_status", "rewarded_at"])
            settled += 1
    return settled


# --- Head office: review ------------------------------------------------------------------------


@transaction.atomic
def chain_mark_reviewed(*, chain: AssistChain, actor: Staff) -> AssistChain:
    """Head office looked at a flagged chain and lets it stand (audited)."""
    chain = AssistChain.objects.select_for_update().get(pk=chain.pk)
    chain.reviewed_at, chain.reviewed_by = timezone.now(), actor
    chain.save(update_fields=["reviewed_at", "reviewed_by"])
    audit_record(actor=actor, action="assist.reviewed", target=chain, detail={"campaign": chain.campaign_id})
    return chain


@transaction.atomic
def chain_void(*, chain: AssistChain, actor: Staff) -> AssistChain:
    """Head office cancels a chain that has not been rewarded: no more assists, and a reward it was
    owed is no longer owed (audited). A reward already given cannot be taken back."""
    chain = AssistChain.objects.select_for_update().get(pk=chain.pk)
    if chain.reward_status == AssistChain.Reward.GIVEN:
        raise AssistError(_("This chain's reward has already been given, so it can no longer be voided."))
    if chain.status == AssistChain.Status.VOID:
        return chain
    previous = chain.status
    chain.status = AssistChain.Status.VOID
    chain.reward_status = AssistChain.Reward.NONE
    chain.reviewed_at, chain.reviewed_by = timezone.now(), actor
    chain.save(update_fields=["status", "reward_status", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action="assist.void",
        target=chain,
        detail={"campaign": chain.campaign_id, "from": previous, "assists": chain.assist_count},
    )
    return chain
