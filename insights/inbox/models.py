"""The tracking inbox: every storefront view lands here first, in one narrow insert.

A storefront view must be recorded durably (committed before the answer) yet cheaply, since every
scan of every poster of every bank does it. So the tracking request writes one row here, in the
public schema, with no index but the primary key, and answers. `insights.ingest` then turns the
rows into visitors, attribution and events in their bank's schema, in batches, within about a
second. Rows are deleted once processed.
"""

from django.db import models


class Hit(models.Model):
    id = models.BigAutoField(primary_key=True)
    received_at = models.DateTimeField()
    schema_name = models.CharField(max_length=63)
    code = models.CharField(max_length=16)  # the page's staff code
    token = models.CharField(max_length=32)  # the visitor's cookie token
    share_code = models.CharField(max_length=16)  # the visitor's share code (in their cookie too)
    is_new = models.BooleanField()  # the cookie was issued by this request
    entry = models.BooleanField()  # the visit starts here (a scan), not an internal navigation
    referral = models.CharField(max_length=16, blank=True)  # ?r= of the link they arrived by
    is_bot = models.BooleanField(default=False)
    ip_hash = models.CharField(max_length=16, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
