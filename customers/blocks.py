"""Storefront blocks this app adds to every manager's palette: [(name, block instance), ...]."""

BLOCKS: list = []
