"""Head office's review list of friend-assist chains, in the Wagtail admin (/cms/assist-review/).

Chains flagged as suspicious (many assists from one network within minutes), with their starter
(masked), manager, counts and networks; head office marks each reviewed or voids it (audited).
Another tab lists chains owed a reward because the code pool ran out."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns.assist import access, selectors, services
from campaigns.assist.forms import REVIEW_SHOW_CHOICES, ReviewFilterForm


@require_GET
def review_list(request):
    access.review_viewer(user=request.user)
    form = ReviewFilterForm(request.GET)
    show = form.show_value()
    page = Paginator(selectors.review_list(show=show), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "tabs": REVIEW_SHOW_CHOICES,
        "header_title": _("Friend-assist review"),
    }
    return render(request, "campaigns_assist/admin/review.html", context)


@require_POST
def review_action(request, chain_id: int, action: str):
    viewer = access.review_viewer(user=request.user)
    chain = access.access_chain_for_review(viewer=viewer, chain_id=chain_id)
    show = request.POST.get("show", "flagged")
    try:
        if action == "reviewed":
            services.chain_mark_reviewed(chain=chain, actor=viewer)
            messages.success(request, _("Marked as reviewed."))
        elif action == "void":
            services.chain_void(chain=chain, actor=viewer)
            messages.success(request, _("The chain has been voided: it takes no more assists and earns no reward."))
        else:
            messages.error(request, _("Unknown action."))
    except services.AssistError as exc:
        messages.error(request, str(exc))
    if show not in dict(REVIEW_SHOW_CHOICES):
        show = "flagged"
    return redirect(reverse("assist_review:index") + f"?show={show}")
