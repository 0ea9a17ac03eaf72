"""Extension points of `org`, which imports no feature app: they listen here instead.

`staff_created` is sent inside the creating transaction with the primary keys of new staff, so an
app that gives every staff member something (the storefront gives them a page) does it atomically
with the creation, for one person or 18,000 at once.
"""

from django.dispatch import Signal

staff_created = Signal()  # keyword argument: staff_ids (list[int])

# Sent after an import changed branches or staff in bulk (bulk writes send no post_save).
organisation_changed = Signal()

# Sent inside the transaction that records a departure: apps hand over what was theirs.
staff_left = Signal()  # keyword arguments: staff, successor (may be None), actor
