from django.contrib import admin

from tenants.models import Bank, Domain


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    """Operators see banks here; creating and deleting them is `bank_create` / `bank_delete`, which
    also build and drop schemas, Wagtail sites and first admins."""

    list_display = ("slug", "name", "schema_name", "created_at")
    search_fields = ("slug", "name")
    readonly_fields = ("slug", "schema_name", "kind", "created_at")
    fields = ("name", "slug", "schema_name", "kind", "created_at")
    inlines = [DomainInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=Bank.Kind.BANK)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
