"""The page builder at /workspace/page/: every staff member edits their own page, and only it.

No URL here names a page: the page is always `request.staff`'s, so nobody can reach another's.
A block id that is not on your own draft (someone else's, or a locked template block) is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org.decorators import workspace_view
from storefront.forms import BLOCK_FORMS
from storefront.selectors import builder_rows, storefront_public
from storefront.services import (
    BuilderError,
    builder_block_add,
    builder_block_move,
    builder_block_remove,
    builder_block_update,
    storefront_draft,
    storefront_for_staff,
    storefront_publish,
    storefront_revision_restore,
    storefront_revisions,
)


def _context(request, **extra):
    storefront = storefront_for_staff(staff=request.staff)
    draft = storefront_draft(storefront=storefront)
    _unused, template = storefront_public(staff=request.staff)
    return {
        "storefront": storefront,
        "rows": builder_rows(draft=draft, template=template),
        "palette": _block_labels(),
        "in_moderation": storefront.workflow_in_progress,
        **extra,
    }


def _after_change(request, *, message: str | None = None):
    """htmx gets the refreshed block list (and the preview reloads); plain forms are redirected."""
    if request.htmx:
        response = render(request, "storefront/builder.html#builder", _context(request, flash=message))
        response["HX-Trigger"] = "previewRefresh"
        response["HX-Retarget"] = "#builder"
        response["HX-Reswap"] = "outerHTML"
        return response
    if message:
        messages.success(request, message)
    return redirect("builder:home")


def _draft_block(request, block_id: str):
    storefront = storefront_for_staff(staff=request.staff)
    draft = storefront_draft(storefront=storefront)
    for block in draft.body:
        if block.id == block_id:
            return storefront, block
    raise Http404


def _apply_block_errors(form, exc: ValidationError) -> None:
    """Put the block's own validation messages next to the matching form fields."""
    block_errors = getattr(exc, "block_errors", None)
    if isinstance(block_errors, dict):
        for name, error in block_errors.items():
            messages_ = getattr(error, "messages", None) or [str(error)]
            field = name if name in form.fields else None
            for message in messages_:
                form.add_error(field, message)
        return
    for message in exc.messages:
        form.add_error("text" if "text" in form.fields else None, message)


@require_GET
@workspace_view
def builder_home(request):
    return render(request, "storefront/builder.html", _context(request))


@require_http_methods(["GET", "POST"])
@workspace_view
def block_add(request, block_type: str):
    form_class = BLOCK_FORMS.get(block_type)
    if form_class is None:
        raise Http404
    storefront = storefront_for_staff(staff=request.staff)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _form_save(
            form,
            lambda value: builder_block_add(
                storefront=storefront, user=request.user, block_type=block_type, value=value
            ),
        )
        if saved:
            return _after_change(request, message=_("Block added to your draft."))
    return _block_form(request, form, action="add", status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@workspace_view
def block_edit(request, block_id: str):
    storefront, block = _draft_block(request, block_id)
    form_class = BLOCK_FORMS[block.block_type]
    value = block.value
    form = form_class(request.POST or None, value=dict(value) if hasattr(value, "keys") else value)
    if request.method == "POST" and form.is_valid():
        saved = _form_save(
            form,
            lambda value: builder_block_update(
                storefront=storefront, user=request.user, block_id=block_id, value=value
            ),
        )
        if saved:
            return _after_change(request, message=_("Block saved to your draft."))
    return _block_form(request, form, action="edit", block_id=block_id, status=400 if form.errors else 200)


def _form_save(form, save) -> bool:
    """Run `save(value)`; what the block or the service refuses goes back onto the form."""
    try:
        save(form.to_value())
    except ValidationError as exc:
        _apply_block_errors(form, exc)
    except BuilderError as exc:
        form.add_error(None, str(exc))
    else:
        return True
    return False


def _block_form(request, form, *, action: str, block_id: str | None = None, status: int = 200):
    template = "storefront/builder_block_form.html"
    if request.htmx:
        template += "#form"
    label = dict(_block_labels()).get(form.block_type, form.block_type)
    return render(
        request,
        template,
        {"form": form, "action": action, "block_id": block_id, "block_type": form.block_type, "label": label},
        status=status,
    )


def _block_labels():
    from storefront.blocks import StorefrontBlocks

    return [(name, block.label) for name, block in StorefrontBlocks().child_blocks.items()]


@require_POST
@workspace_view
def block_move(request, block_id: str):
    storefront, _block = _draft_block(request, block_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    builder_block_move(storefront=storefront, user=request.user, block_id=block_id, offset=offset)
    return _after_change(request)


@require_POST
@workspace_view
def block_remove(request, block_id: str):
    storefront, _block = _draft_block(request, block_id)
    builder_block_remove(storefront=storefront, user=request.user, block_id=block_id)
    return _after_change(request, message=_("Block removed from your draft."))


@require_POST
@workspace_view
def publish(request):
    storefront = storefront_for_staff(staff=request.staff)
    try:
        result = storefront_publish(storefront=storefront, user=request.user)
    except BuilderError as exc:
        messages.error(request, str(exc))
        return redirect("builder:home")
    if result.submitted:
        messages.info(request, _("Your text was sent to head office for approval. Your page goes live once approved."))
    else:
        messages.success(request, _("Your page is live."))
    return redirect("builder:home")


@require_GET
@workspace_view
@xframe_options_sameorigin
def preview(request):
    """The draft, rendered exactly as customers will see it (never cached)."""
    storefront = storefront_for_staff(staff=request.staff)
    draft = storefront_draft(storefront=storefront)
    _unused, template = storefront_public(staff=request.staff)
    context = {
        "page_staff": request.staff,
        "page_code": request.staff.code,
        "page_url": "",
        "body": draft.body,
        "locked_top": template.locked_top if template else [],
        "locked_bottom": template.locked_bottom if template else [],
        "fallback_card": {"show_wechat": True, "show_address": True},
        "is_preview": True,
    }
    response = HttpResponse(render_to_string("storefront/page.html", context, request=request))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@workspace_view
def versions(request):
    storefront = storefront_for_staff(staff=request.staff)
    return render(
        request,
        "storefront/builder_versions.html",
        {"storefront": storefront, "revisions": storefront_revisions(storefront=storefront)},
    )


@require_POST
@workspace_view
def version_restore(request, revision_id: int):
    storefront = storefront_for_staff(staff=request.staff)
    try:
        storefront_revision_restore(storefront=storefront, user=request.user, revision_id=revision_id)
    except BuilderError:
        raise Http404 from None
    messages.success(request, _("That version is now your draft. Publish it to make it live."))
    return redirect("builder:home")
