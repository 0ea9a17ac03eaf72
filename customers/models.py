"""What customers leave behind for their manager: leads (and, next, messages and tags)."""
