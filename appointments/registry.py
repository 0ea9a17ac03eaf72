"""Workspace sections of the customers app (each part adds its own here)."""


def sections_register() -> None:
    pass
