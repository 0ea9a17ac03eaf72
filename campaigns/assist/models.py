"""Friend assist ("好友助力"): a customer asks friends to help, and earns a reward when enough do.

Head office gives a `Campaign` whose goal is "friend assist" an `AssistSetup`: how many friends are
needed, how many assists one customer may start, the reward (a code from a pool of `RewardCode`s it
uploads, or an "eligible" mark for a gift handed over at a branch) and the fraud limits.

A customer who opens a manager's campaign link (`/c/<code>/assist/`) and gives their mobile with
consent starts an `AssistChain`, attributed to that manager (or whoever took over from them). The
chain has its own share URL; each friend who opens it and gives their mobile adds one `Assist`. A
friend (device and phone alike) helps once per campaign, which the database enforces. When the
count reaches the chain's target the reward is given exactly once (the chain's row is locked while
it is counted), or the chain is marked as owed a reward when the pool is empty.

Mobile numbers are stored as in `customers`: encrypted, with a keyed hash for look-ups and a mask
for display. Network addresses are only ever kept as `insights.identity.ip_hash` fingerprints.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers import pii

REWARD_TITLE_MAX = 60
CODE_MAX = 64


class AssistSetup(models.Model):
    """Head office's rules for one friend-assist campaign (edited in /cms/)."""

    class RewardKind(models.TextChoices):
        CODE = "code", _("A code from the pool")
        ELIGIBLE = "eligible", _("Eligible for a gift at a branch")

    campaign = models.OneToOneField(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="assist_setup",
        limit_choices_to={"goal": "assist"},
    )
    helpers_needed = models.PositiveSmallIntegerField(
        _("friends needed"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many different friends must help before the reward is given."),
    )
    chains_per_starter = models.PositiveSmallIntegerField(
        _("assists one customer may start"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Counted per mobile number and per device."),
    )
    reward_kind = models.CharField(_("reward"), max_length=10, choices=RewardKind.choices, default=RewardKind.CODE)
    reward_title = models.CharField(
        _("what the customer earns"),
        max_length=REWARD_TITLE_MAX,
        help_text=_("Shown to customers, e.g. “¥10 phone top-up” or “a rice cooker”."),
    )
    reward_instructions = models.TextField(
        _("how to use the reward"),
        max_length=500,
        blank=True,
        help_text=_("Shown to the winner with their reward, e.g. where to enter the code or which branch to visit."),
    )
    rules_text = models.TextField(_("rules shown to customers"), max_length=2000, blank=True)
    network_assists_per_hour = models.PositiveSmallIntegerField(
        _("assists per network address per hour"),
        default=20,
        validators=[MinValueValidator(1)],
        help_text=_("More assists to this campaign from one network within an hour are refused."),
    )
    device_actions_per_hour = models.PositiveSmallIntegerField(
        _("starts and assists per device per hour"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Counted over every friend-assist campaign of the bank, since one device helps once per campaign."),
    )
    review_network_assists = models.PositiveSmallIntegerField(
        _("flag a chain at this many assists from one network"),
        default=3,
        validators=[MinValueValidator(2)],
        help_text=_("Such chains appear in the review list for head office."),
    )
    review_window_minutes = models.PositiveSmallIntegerField(
        _("… within this many minutes"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
    )

    class Meta:
        verbose_name = _("friend-assist setup")
        verbose_name_plural = _("friend-assist setups")
        constraints = [
            models.CheckConstraint(condition=models.Q(helpers_needed__gte=1), name="assist_setup_helpers_needed"),
            models.CheckConstraint(condition=models.Q(chains_per_starter__gte=1), name="assist_setup_chain_cap"),
        ]

    def __str__(self):
        return str(self.campaign)


class AssistChain(models.Model):
    """One customer's assist: started through a manager's campaign link, shared with friends by its
    own URL (`/c/<link code>/assist/<token>/`). Counts for the manager in charge of the link."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Collecting assists")
        COMPLETED = "completed", _("Completed")
        VOID = "void", _("Voided")

    class Reward(models.TextChoices):
        NONE = "none", _("Not yet")
        GIVEN = "given", _("Given")
        OWED = "owed", _("Owed (pool empty)")

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="assist_chains")
    link = models.ForeignKey("campaigns.CampaignLink", null=True, on_delete=models.SET_NULL, related_name="+")
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="assist_chains"
    )
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    # Who started it: their device (the visitor cookie's token, or this app's own cookie) and phone.
    starter_visitor = models.ForeignKey(
        "insights.Visitor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starter_token = models.CharField(max_length=64)
    mobile_encrypted = models.TextField()
    mobile_masked = models.CharField(_("starter"), max_length=20)
    phone_hash = models.CharField(max_length=64)
    consent = models.ForeignKey("customers.ConsentStatement", on_delete=models.PROTECT, related_name="+")
    network_hash = models.CharField(max_length=16, blank=True)
    # Copied from the setup when the chain starts: a later change by head office does not move a
    # customer's goalposts.
    target = models.PositiveSmallIntegerField(_("friends needed"))
    assist_count = models.PositiveSmallIntegerField(_("assists"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    reward_status = models.CharField(_("reward"), max_length=10, choices=Reward.choices, default=Reward.NONE)
    completed_at = models.DateTimeField(null=True, blank=True)
    rewarded_at = models.DateTimeField(null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("assist chain")
        verbose_name_plural = _("assist chains")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(assist_count__lte=models.F("target")), name="assist_chain_count"),
        ]
        indexes = [
            models.Index(fields=["campaign", "phone_hash"], name="assist_chain_starter_phone"),
            models.Index(fields=["starter_token", "created_at"], name="assist_chain_starter_device"),
            models.Index(
                fields=["flagged_at"], condition=models.Q(flagged_at__isnull=False), name="assist_chain_flagged"
            ),
            models.Index(fields=["reward_status"], condition=models.Q(reward_status="owed"), name="assist_chain_owed"),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.mobile_masked}"

    @property
    def mobile(self) -> str:
        return pii.decrypt(self.mobile_encrypted)

    @property
    def is_complete(self) -> bool:
        return self.assist_count >= self.target

    @property
    def remaining(self) -> int:
        return max(0, self.target - self.assist_count)

    @property
    def percent(self) -> int:
        return min(100, round(self.assist_count * 100 / self.target)) if self.target else 100


class Assist(models.Model):
    """One friend's help on a chain. `campaign` is copied from the chain so that "once per campaign"
    is a unique constraint, for the device and for the phone alike."""

    chain = models.ForeignKey(AssistChain, on_delete=models.CASCADE, related_name="assists")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey("insights.Visitor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    visitor_token = models.CharField(max_length=64)
    mobile_encrypted = models.TextField()
    mobile_masked = models.CharField(max_length=20)
    phone_hash = models.CharField(max_length=64)
    consent = models.ForeignKey("customers.ConsentStatement", on_delete=models.PROTECT, related_name="+")
    network_hash = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "visitor_token"], name="assist_once_per_device"),
            models.UniqueConstraint(fields=["campaign", "phone_hash"], name="assist_once_per_phone"),
        ]
        indexes = [
            models.Index(fields=["campaign", "network_hash", "created_at"], name="assist_network_recent"),
            models.Index(fields=["chain", "network_hash", "created_at"], name="assist_chain_network"),
            models.Index(fields=["visitor_token", "created_at"], name="assist_device_recent"),
        ]


class RewardCode(models.Model):
    """One code of head office's pool for a setup, given to at most one chain (and a chain gets at
    most one). Stored encrypted like personal information: a code is worth money to whoever reads
    it, so only its winner ever sees it."""

    setup = models.ForeignKey(AssistSetup, on_delete=models.CASCADE, related_name="codes")
    code_encrypted = models.TextField()
    code_hash = models.CharField(max_length=64)
    chain = models.OneToOneField(
        AssistChain, null=True, blank=True, on_delete=models.PROTECT, related_name="reward_code"
    )
    given_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["setup", "code_hash"], name="reward_code_unique_in_pool"),
        ]
        indexes = [
            models.Index(fields=["setup", "id"], condition=models.Q(chain__isnull=True), name="reward_code_free")
        ]

    @property
    def code(self) -> str:
        return pii.decrypt(self.code_encrypted)
