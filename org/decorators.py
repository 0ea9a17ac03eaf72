from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from org.models import Staff


def workspace_view(view):
    """Workspace views need a logged-in, current staff member; `request.staff` is set for them."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        staff = Staff.objects.select_related("branch").filter(user=request.user, left_at__isnull=True).first()
        if staff is None:
            raise PermissionDenied
        request.staff = staff
        return view(request, *args, **kwargs)

    return wrapper
