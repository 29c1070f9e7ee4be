from django.contrib import admin

from marelle.audit.models import LogEntry


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """Read-only: an audit trail that can be edited proves nothing."""

    list_display = ["at", "action", "content_type", "object_id", "actor"]
    list_filter = ["action", "content_type"]
    search_fields = ["action", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
