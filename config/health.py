"""`/healthz`: answered before anything else (no bank lookup, no database), for load balancers and
uptime checks. It is also the "bare Django view" `make bench` compares every page against."""

from django.http import HttpResponse


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return HttpResponse(b"ok", content_type="text/plain")
        return self.get_response(request)
