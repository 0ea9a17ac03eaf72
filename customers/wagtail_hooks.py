"""Head office's consent statement in the Wagtail admin (/cms/). Saving it, whether as a new
statement or as an edit, publishes a new version: customers who agreed to an earlier text keep
pointing at that text."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from customers.models import ConsentStatement
from customers.services import consent_current, consent_statement_publish
from org.models import Staff


def _publish(view) -> ConsentStatement:
    author = Staff.objects.filter(user=view.request.user).first()
    return consent_statement_publish(text=view.form.cleaned_data["text"], author=author)


class ConsentCreateView(CreateView):
    def get_initial(self):
        current = consent_current()
        return {"text": current.text} if current else {}

    def save_instance(self):
        return _publish(self)


class ConsentEditView(EditView):
    def save_instance(self):
        return _publish(self)


class ConsentStatementViewSet(SnippetViewSet):
    model = ConsentStatement
    icon = "doc-full"
    menu_label = _("Consent statement")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["__str__", "created_at"]
    copy_view_enabled = False  # a copy would bypass `consent_statement_publish`
    inspect_view_enabled = True
    add_view_class = ConsentCreateView
    edit_view_class = ConsentEditView


register_snippet(ConsentStatementViewSet)
