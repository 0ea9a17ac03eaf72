import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

django_application = get_wsgi_application()

# The storefront's tracking request is answered in front of Django (insights/fastpath.py).
from insights.fastpath import TrackingFastPath  # noqa: E402  (needs Django set up)

application = TrackingFastPath(django_application)
