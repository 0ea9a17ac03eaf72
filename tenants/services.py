"""Provisioning banks: create (from a ready spare schema), list, delete.

Creating a schema by replaying migrations takes ~17 s; cloning the migrated template ~1.8 s
(STACK-NOTES.md). We go one step further: keep `BANK_SPARE_SCHEMAS` schemas already cloned, so
creating a bank is `ALTER SCHEMA … RENAME` plus a few rows, well under a second. Spares and the
template are Bank rows (kind template/spare, no domain), so `migrate_schemas` keeps them current.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists, schema_rename

from tenants.middleware import bank_cache_clear
from tenants.models import Bank, Domain, slug_validator

RESERVED_SLUGS = {"public", "www", "admin", "static", "media", "template", "spare", "pg", "information"}
HEAD_OFFICE_BRANCH_CODE = "HQ"
FIRST_ADMIN_EMPLOYEE_NO = "admin"


@dataclass
class BankCreated:
    bank: Bank
    domain: str
    admin_username: str
    admin_password: str


def bank_domain_default(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def platform_ensure() -> Bank:
    """The public schema's row, reached at BASE_DOMAIN: the platform operators' admin."""
    platform, _created = Bank.objects.get_or_create(
        schema_name="public", defaults={"slug": "_platform", "name": "Yundian", "kind": Bank.Kind.PLATFORM}
    )
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": platform, "is_primary": True})
    return platform


def template_ensure() -> Bank:
    """The migrated template schema new banks are cloned from; built by migrations the first time."""
    template = Bank.objects.filter(kind=Bank.Kind.TEMPLATE).first()
    if template is None:
        template = Bank(
            schema_name=settings.TENANT_BASE_SCHEMA, slug="_template", name="template", kind=Bank.Kind.TEMPLATE
        )
    if template.pk is None or not schema_exists(template.schema_name):
        # Built by migrations (the row may outlive its schema, e.g. after a restore): outside any
        # transaction, since some migrations alter tables they have just filled.
        template.save(verbosity=0)
    return template


def spare_create() -> Bank:
    template_ensure()
    token = secrets.token_hex(6)
    spare = Bank(schema_name=f"spare_{token}", slug=f"_spare{token}", name="spare", kind=Bank.Kind.SPARE)
    spare.save(verbosity=0)
    _release_clone_functions()
    return spare


def _release_clone_functions() -> None:
    """django-tenants installs its large PL/pgSQL clone function before every clone, and a server
    process keeps each compiled copy: on one long-lived connection, clones grow slower and the
    backend bigger (0.8 s → 9 s by the 44th, measured). A fresh connection starts clean."""
    if not connection.in_atomic_block:
        connection.close()


def spares_replenish() -> int:
    """Top the pool of spare schemas up to BANK_SPARE_SCHEMAS; returns how many were made."""
    made = 0
    while Bank.objects.filter(kind=Bank.Kind.SPARE).count() < settings.BANK_SPARE_SCHEMAS:
        spare_create()
        made += 1
    return made


def _bank_validate(*, slug: str, name: str, domain: str) -> None:
    slug_validator(slug)
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved.") % {"slug": slug})
    if not name.strip():
        raise ValidationError(_("A bank needs a name."))
    if Bank.objects.filter(slug=slug).exists() or schema_exists(slug, case_sensitive=False):
        raise ValidationError(_("A bank with the slug “%(slug)s” already exists.") % {"slug": slug})
    if Domain.objects.filter(domain=domain).exists():
        raise ValidationError(_("The domain “%(domain)s” is already in use.") % {"domain": domain})


def bank_create(*, slug: str, name: str, domain: str | None = None) -> BankCreated:
    """Create a bank: its schema, domain, Wagtail site and root page, head office and first admin.

    Returns the first admin's one-time password, which is shown once and stored only as a hash.
    """
    domain = (domain or bank_domain_default(slug)).lower()
    _bank_validate(slug=slug, name=name, domain=domain)
    connection.set_schema_to_public()
    template_ensure()  # outside the transaction: the first time, it runs every migration
    with transaction.atomic():
        spare = Bank.objects.select_for_update(skip_locked=True).filter(kind=Bank.Kind.SPARE).first()
        if spare is not None:
            schema_rename(spare, slug, save=False)
            bank = spare
            bank.slug, bank.name, bank.kind = slug, name, Bank.Kind.BANK
            bank.save()
        else:
            bank = Bank(schema_name=slug, slug=slug, name=name)
            bank.save(verbosity=0)
        Domain.objects.create(domain=domain, tenant=bank, is_primary=True)
        with schema_context(bank.schema_name):
            username, password = _bank_setup(bank=bank, domain=domain)
    bank_cache_clear()
    if spare is None:
        _release_clone_functions()
    return BankCreated(bank=bank, domain=domain, admin_username=username, admin_password=password)


def _bank_setup(*, bank: Bank, domain: str) -> tuple[str, str]:
    """Inside the new bank's schema: point its Wagtail site at its domain, name its root page, and
    create the head office with a first head-office admin."""
    from wagtail.models import Page, Site

    from org.models import Branch
    from org.services.staff import staff_create

    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    home.title = bank.name
    home.draft_title = bank.name
    home.save(update_fields=["title", "draft_title"])
    Page.objects.filter(pk=home.pk).update(title=bank.name, draft_title=bank.name)
    site.hostname, site.port, site.site_name = domain, 80, bank.name
    site.save()
    head_office = Branch.objects.create(
        code=HEAD_OFFICE_BRANCH_CODE, name=_("%(bank)s Head Office") % {"bank": bank.name}, path="/HQ/", depth=0
    )
    staff, password = staff_create(
        employee_no=FIRST_ADMIN_EMPLOYEE_NO,
        name=_("Head-office admin"),
        branch=head_office,
        role="hq_admin",
        title=_("Administrator"),
    )
    return staff.employee_no, password


def bank_list():
    return Bank.objects.filter(kind=Bank.Kind.BANK).prefetch_related("domains").order_by("slug")


def bank_delete(*, bank: Bank) -> None:
    """Delete a bank and drop its schema with everything in it. There is no undo."""
    if bank.kind != Bank.Kind.BANK:
        raise ValidationError(_("Only banks can be deleted this way."))
    connection.set_schema_to_public()
    with transaction.atomic():
        bank.delete(force_drop=True)
    bank_cache_clear()
