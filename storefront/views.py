from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from storefront.selectors import staff_for_code


@require_GET
def staff_card(request, code: str):
    """`/s/<code>`: the staff member's public card (the storefront issue turns it into their page)."""
    staff = staff_for_code(code=code)
    if staff is None:
        raise Http404
    return render(request, "storefront/staff_card.html", {"staff": staff, "bank": request.tenant})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
