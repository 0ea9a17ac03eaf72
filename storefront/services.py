"""Writes on storefronts: creating them, the builder's edits, publishing, restoring versions.

The builder edits a *draft* (the latest revision); the row keeps the live content. Consecutive edits
overwrite the current draft revision, so history holds one version per publish (plus the draft),
not one per click. Publishing goes live at once, unless it changes text the manager wrote and the
bank requires approval: then it is submitted to head office's workflow and stays a draft.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Revision

from cms.blocks import MANAGER_TEXT_BLOCK_TYPES
from cms.models import ComplianceSettings, StorefrontTemplate
from org.models import Staff
from storefront.blocks import MAX_BLOCKS, StorefrontBlocks
from storefront.models import Storefront

MANAGER_BLOCK_NAMES = {name for name, _block in StorefrontBlocks().child_blocks.items()}


class BuilderError(Exception):
    """A builder request the server refuses (it names what is wrong, in the user's language)."""


def _with_new_ids(raw_stream: list[dict]) -> list[dict]:
    return [{**item, "id": str(uuid.uuid4())} for item in raw_stream or []]


def template_default() -> StorefrontTemplate | None:
    return StorefrontTemplate.objects.filter(is_default=True).first()


def storefronts_create(*, staff_ids: list[int]) -> int:
    """Give each of these staff members a page from the default template (if they have none)."""
    template = template_default()
    starter = []
    if template is not None:
        starter = [item for item in template.starter.raw_data if item["type"] in MANAGER_BLOCK_NAMES]
    existing = set(Storefront.objects.filter(staff_id__in=staff_ids).values_list("staff_id", flat=True))
    new = [
        Storefront(staff_id=staff_id, template=template, body=_with_new_ids(starter), live=True)
        for staff_id in staff_ids
        if staff_id not in existing
    ]
    Storefront.objects.bulk_create(new, batch_size=1000)
    return len(new)


def storefront_for_staff(*, staff: Staff) -> Storefront:
    """The staff member's storefront, created from the template if they have none yet."""
    storefront = Storefront.objects.filter(staff=staff).first()
    if storefront is None:
        storefronts_create(staff_ids=[staff.pk])
        storefront = Storefront.objects.get(staff=staff)
    return storefront


def storefront_draft(*, storefront: Storefront) -> Storefront:
    """What the builder shows: the latest revision (a draft or the live version)."""
    return storefront.get_latest_revision_as_object()


def _draft_save(*, storefront: Storefront, draft: Storefront, user) -> Storefront:
    """Save `draft` as the current draft revision (overwriting the previous unpublished draft)."""
    if storefront.workflow_in_progress:
        # Editing what is under review withdraws it; publishing again resubmits the new draft.
        storefront.current_workflow_state.cancel(user=user)
    latest = storefront.latest_revision
    overwrite = (
        latest
        if latest is not None
        and latest.pk != storefront.live_revision_id
        and latest.user_id == user.pk
        and storefront.has_unpublished_changes
        else None
    )
    try:
        draft.full_clean()
    except ValidationError as exc:
        raise BuilderError(" ".join(exc.messages)) from None
    draft.save_revision(user=user, clean=False, overwrite_revision=overwrite, log_action=True)
    return draft


def _stream_raw(draft: Storefront) -> list[dict]:
    return list(draft.body.raw_data)


def _set_stream(draft: Storefront, raw: list[dict]) -> None:
    draft.body = StorefrontBlocks().to_python(raw)


def block_value_clean(*, block_type: str, value):
    """Validate a block value the way the page's StreamField does; returns its stored form.

    Raises Django's ValidationError (a StructBlockValidationError with per-field `block_errors`
    for struct blocks) so the builder can show each message next to its field."""
    if block_type not in MANAGER_BLOCK_NAMES:
        raise BuilderError(_("This kind of block cannot be added here."))
    block = StorefrontBlocks().child_blocks[block_type]
    cleaned = block.clean(block.to_python(value))
    return block.get_prep_value(cleaned)


def _index_of(raw: list[dict], block_id: str) -> int:
    for index, item in enumerate(raw):
        if item.get("id") == block_id:
            return index
    raise BuilderError(_("That block is not on your page (it may be locked, or already removed)."))


@transaction.atomic
def builder_block_add(*, storefront: Storefront, user, block_type: str, value) -> str:
    draft = storefront_draft(storefront=storefront)
    raw = _stream_raw(draft)
    if len(raw) >= MAX_BLOCKS:
        raise BuilderError(_("A page can hold at most %(n)s blocks.") % {"n": MAX_BLOCKS})
    block_id = str(uuid.uuid4())
    raw.append({"type": block_type, "value": block_value_clean(block_type=block_type, value=value), "id": block_id})
    _set_stream(draft, raw)
    _draft_save(storefront=storefront, draft=draft, user=user)
    return block_id


@transaction.atomic
def builder_block_update(*, storefront: Storefront, user, block_id: str, value) -> None:
    draft = storefront_draft(storefront=storefront)
    raw = _stream_raw(draft)
    index = _index_of(raw, block_id)
    block_type = raw[index]["type"]
    raw[index] = {"type": block_type, "value": block_value_clean(block_type=block_type, value=value), "id": block_id}
    _set_stream(draft, raw)
    _draft_save(storefront=storefront, draft=draft, user=user)


@transaction.atomic
def builder_block_move(*, storefront: Storefront, user, block_id: str, offset: int) -> None:
    draft = storefront_draft(storefront=storefront)
    raw = _stream_raw(draft)
    index = _index_of(raw, block_id)
    target = max(0, min(len(raw) - 1, index + offset))
    if target == index:
        return
    raw.insert(target, raw.pop(index))
    _set_stream(draft, raw)
    _draft_save(storefront=storefront, draft=draft, user=user)


@transaction.atomic
def builder_block_remove(*, storefront: Storefront, user, block_id: str) -> None:
    draft = storefront_draft(storefront=storefront)
    raw = _stream_raw(draft)
    raw.pop(_index_of(raw, block_id))
    _set_stream(draft, raw)
    _draft_save(storefront=storefront, draft=draft, user=user)


def _manager_text(stream) -> list:
    return [(item["type"], item["value"]) for item in stream.raw_data if item["type"] in MANAGER_TEXT_BLOCK_TYPES]


@dataclass
class PublishResult:
    published: bool
    submitted: bool = False


@transaction.atomic
def storefront_publish(*, storefront: Storefront, user) -> PublishResult:
    """Publish the draft, or submit it for approval when it changes the manager's own text and the
    bank requires approval. The live page is untouched until approval."""
    storefront = Storefront.objects.select_for_update().get(pk=storefront.pk)
    draft = storefront_draft(storefront=storefront)
    revision = storefront.latest_revision
    if revision is None:
        revision = draft.save_revision(user=user, log_action=True)
    text_changed = _manager_text(draft.body) != _manager_text(storefront.body)
    if text_changed and ComplianceSettings.load().manager_text_needs_approval:
        workflow = storefront.get_workflow()
        if workflow is None:
            raise BuilderError(_("Head office has not set up approval yet; your text cannot be published."))
        state = storefront.current_workflow_state
        if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
            # Resubmitting after head office asked for changes resumes that workflow (as Wagtail's
            # own "submit" does): starting a second one would break its one-open-workflow rule.
            state.resume(user=user)
            return PublishResult(published=False, submitted=True)
        if state is not None:
            state.cancel(user=user)
        workflow.start(storefront, user)
        return PublishResult(published=False, submitted=True)
    if storefront.has_unpublished_changes or not storefront.live:
        # Managers hold no Django model permissions: a page is theirs by being `request.staff`'s,
        # which the builder's views guarantee. Wagtail's own check would refuse them.
        revision.publish(user=user, skip_permission_checks=True)
    return PublishResult(published=True)


def storefront_revisions(*, storefront: Storefront, limit: int = 20):
    return Revision.objects.for_instance(storefront).select_related("user").order_by("-created_at", "-id")[:limit]


@transaction.atomic
def storefront_revision_restore(*, storefront: Storefront, user, revision_id: int) -> None:
    """Make an earlier version the current draft (publish it to make it live)."""
    revision = Revision.objects.for_instance(storefront).filter(pk=revision_id).first()
    if revision is None:
        raise BuilderError(_("That version does not exist."))
    old = revision.as_object()
    draft = storefront_draft(storefront=storefront)
    # Only blocks managers may have: an old version cannot smuggle in anything else.
    _set_stream(draft, [item for item in old.body.raw_data if item["type"] in MANAGER_BLOCK_NAMES])
    _draft_save(storefront=storefront, draft=draft, user=user)
