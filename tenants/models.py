"""Banks (tenants) and the host names they are reached at. These live in the public schema."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

slug_validator = RegexValidator(
    r"^[a-z][a-z0-9]{1,29}$",
    _("Use 2–30 lowercase letters or digits, starting with a letter."),
)


class Bank(TenantMixin):
    """A bank on the platform: one PostgreSQL schema holding all of its data.

    Two kinds of rows are not banks anyone can visit: the *template* (a migrated schema new banks are
    cloned from) and *spares* (already-cloned schemas waiting to be renamed into a new bank). Both
    are rows so that `migrate_schemas` keeps their schemas current.
    """

    class Kind(models.TextChoices):
        BANK = "bank", _("Bank")
        PLATFORM = "platform", _("Platform (public schema)")
        TEMPLATE = "template", _("Template schema")
        SPARE = "spare", _("Spare schema")

    slug = models.CharField(_("slug"), max_length=30, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BANK)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class Domain(DomainMixin):
    """A host name that reaches one bank (its `<slug>.<BASE_DOMAIN>`, or a custom domain)."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
