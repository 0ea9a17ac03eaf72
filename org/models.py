"""A bank's organisation: its branches (a tree) and its staff (each one login)."""

from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Branch(models.Model):
    """A branch (网点/支行) or the head office. Branches form a tree through `parent`.

    `path` is the chain of codes from the root ("/HQ/0101/0101001/"), kept by the import service,
    so that "this branch and everything under it" is one indexed prefix query at 2,000 branches.
    """

    code = models.CharField(_("branch code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=500, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="org_branch_path_like", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.name

    @property
    def map_url(self) -> str:
        """A map link that works in phone browsers and WeChat (Amap's public URI API)."""
        if self.latitude is None or self.longitude is None:
            return ""
        return f"https://uri.amap.com/marker?position={self.longitude},{self.latitude}&name={quote(self.name)}"


class Staff(models.Model):
    """A member of staff: an account manager, a branch head or a head-office admin.

    One-to-one with the bank's auth user (users live in the bank's schema). `code` is the short,
    unguessable, permanent code in their public link `/s/<code>`: printed posters depend on it, so
    it never changes, even when the person leaves (their successor then takes over the link).
    """

    class Role(models.TextChoices):
        MANAGER = "manager", _("Account manager")
        BRANCH_HEAD = "branch_head", _("Branch head")
        HQ_ADMIN = "hq_admin", _("Head-office admin")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff")
    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("full name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="staff")
    title = models.CharField(_("job title"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    wechat_id = models.CharField(_("WeChat ID"), max_length=50, blank=True)
    licence_no = models.CharField(_("qualification/licence number"), max_length=50, blank=True)
    photo = models.ImageField(_("photo"), upload_to="staff/", blank=True)
    code = models.CharField(_("link code"), max_length=12, unique=True, editable=False)
    must_change_password = models.BooleanField(default=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("successor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["branch__path", "employee_no"]

    def __str__(self):
        return f"{self.name} ({self.employee_no})"

    @property
    def has_left(self) -> bool:
        return self.left_at is not None

    @property
    def is_hq_admin(self) -> bool:
        return self.role == self.Role.HQ_ADMIN

    @property
    def is_branch_head(self) -> bool:
        return self.role == self.Role.BRANCH_HEAD


class ImportJob(models.Model):
    """One upload of the organisation file, validated then applied in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Importing")
        FAILED = "failed", _("Rejected")
        DONE = "done", _("Done")

    # Kept in the database, not in media: the file holds staff's personal data and media is public.
    # Cleared once the import has finished.
    content = models.BinaryField(editable=False)
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.DONE)


class AuditLog(models.Model):
    """Who did what to whom, for actions that must be accounted for (passwords issued, departures,
    exports, reveals of personal information). Append-only."""

    actor = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=50, db_index=True)
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
