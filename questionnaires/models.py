"""Questionnaires: a `Questionnaire` (drafted, then published) holds ordered `Question`s; each staff
member who shares it gets a `Share` with its own short code (`/q/<code>`), so every `Response` is
attributed to the manager whose link brought it in. A response keeps its answers as JSON keyed by
question id; a contact question's name and mobile are encrypted like a lead's (`customers.pii`).

Questions never change once a questionnaire has responses (the service refuses with a reason), so
stored answers always match the questions they answer.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers import pii

TITLE_MAX = 60
TEXT_MAX = 1000
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 1000
OTHER = "__other__"


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    owner = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="questionnaires")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    welcome_text = models.TextField(_("welcome text"), max_length=TEXT_MAX, blank=True)
    thanks_text = models.TextField(_("thank-you text"), max_length=TEXT_MAX, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    max_responses = models.PositiveIntegerField(_("response cap"), null=True, blank=True)
    # Taken with a conditional UPDATE (see services.response_submit), so the cap holds under load.
    response_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_responses__isnull=True)
                | models.Q(response_count__lte=models.F("max_responses")),
                name="questionnaire_count_within_cap",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_head_office(self) -> bool:
        return self.owner.role == "hq_admin"

    def unavailable_reason(self, now=None) -> str:
        """Why it cannot be answered right now, or ""."""
        now = now or timezone.now()
        if self.status == self.Status.DRAFT:
            return str(_("This questionnaire is not open yet."))
        if self.status == self.Status.CLOSED or (self.closes_at and now >= self.closes_at):
            return str(_("This questionnaire is closed."))
        if self.opens_at and now < self.opens_at:
            return str(_("This questionnaire is not open yet."))
        if self.max_responses is not None and self.response_count >= self.max_responses:
            return str(_("This questionnaire has all the responses it needs. Thank you!"))
        return ""


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        RATING = "rating", _("Rating 1–5")
        NPS = "nps", _("Recommendation 0–10 (NPS)")
        DATE = "date", _("Date")
        CONTACT = "contact", _("Contact (name and mobile)")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    allow_other = models.BooleanField(_("offer “other (please specify)”"), default=False)
    min_choices = models.PositiveSmallIntegerField(_("at least"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    show_if_question = models.ForeignKey(
        "self", verbose_name=_("show only if"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    show_if_value = models.CharField(_("is answered"), max_length=100, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def key(self) -> str:
        return str(self.pk)

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class Share(models.Model):
    """One staff member's link to a questionnaire: `/q/<code>`, stable for as long as both exist."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="shares")
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="questionnaire_shares")
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["questionnaire", "staff"], name="share_one_per_staff")]


class Response(models.Model):
    """One customer's answers, attributed to the manager in charge of the share that brought them."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="responses")
    share = models.ForeignKey(Share, null=True, on_delete=models.SET_NULL, related_name="responses")
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="questionnaire_responses")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    visitor = models.ForeignKey("insights.Visitor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    visitor_token = models.CharField(max_length=64, blank=True)
    answers = models.JSONField(default=dict)
    contact_name_encrypted = models.TextField(blank=True)
    contact_mobile_encrypted = models.TextField(blank=True)
    contact_mobile_masked = models.CharField(max_length=20, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    consent = models.ForeignKey("customers.ConsentStatement", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "visitor_token"],
                condition=~models.Q(visitor_token=""),
                name="response_one_per_visitor",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "phone_hash"],
                condition=~models.Q(phone_hash=""),
                name="response_one_per_phone",
            ),
        ]

    @property
    def contact_name(self) -> str:
        return pii.decrypt(self.contact_name_encrypted) if self.contact_name_encrypted else ""

    @property
    def contact_mobile(self) -> str:
        return pii.decrypt(self.contact_mobile_encrypted) if self.contact_mobile_encrypted else ""
