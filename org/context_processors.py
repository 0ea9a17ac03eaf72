from org.workspace import sections_for


def workspace(request):
    """The viewer's staff record and the workspace sections their role may use."""
    if not request.path.startswith("/workspace/") and not request.path.startswith("/accounts/"):
        return {}
    staff = getattr(request, "staff", None)
    return {"staff_me": staff, "workspace_sections": sections_for(staff)}
