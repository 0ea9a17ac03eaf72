from org.models import Staff


def staff_for_code(*, code: str) -> Staff | None:
    """The staff member a public link belongs to, in the current bank only; None if unknown.

    The code of someone who has left still resolves: the page names who took over.
    """
    return Staff.objects.select_related("branch", "successor", "successor__branch").filter(code=code.lower()).first()
