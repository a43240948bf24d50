from django.contrib import admin

from privacy.models import DataRequest


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Read only: requests are recorded and carried out on the data requests pages, which
    also erase and export."""

    list_display = ["id", "kind", "status", "source", "received_on", "completed_at"]
    list_filter = ["kind", "status", "source"]
    readonly_fields = [field.name for field in DataRequest._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
