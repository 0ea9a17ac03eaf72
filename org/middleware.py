from django.shortcuts import redirect
from django.urls import reverse

GUARDED_PREFIXES = ("/workspace/", "/cms/")


class PasswordChangeRequiredMiddleware:
    """Someone logged in with a one-time password must choose their own before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(GUARDED_PREFIXES) and request.user.is_authenticated:
            staff = getattr(request.user, "staff", None)
            if staff is not None and staff.must_change_password:
                return redirect(f"{reverse('password_change')}?next={request.path}")
        return self.get_response(request)
