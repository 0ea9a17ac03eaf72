"""Each staff member's storefront page (one per person), served at `/s/<code>`."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin

from storefront.blocks import StorefrontBlocks


class Storefront(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """A manager's page: the blocks they chose, between the locked blocks of their bank's template.

    The row holds the live (published) content; drafts are revisions (Wagtail's draft state). When
    the bank requires it, publishing text the manager wrote goes through the head-office approval
    workflow instead of going live at once.
    """

    staff = models.OneToOneField(
        "org.Staff", verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="storefront"
    )
    template = models.ForeignKey(
        "cms.StorefrontTemplate",
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(StorefrontBlocks(), verbose_name=_("blocks"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("storefront")
        verbose_name_plural = _("storefronts")

    def __str__(self):
        return str(self.staff)

    def get_admin_display_title(self):
        return self.staff.name
