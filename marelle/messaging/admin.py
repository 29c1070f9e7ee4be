from django.contrib import admin

from marelle.messaging.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "famille", "from_commune", "created_at", "read_at"]
    list_filter = ["from_commune", "famille__commune"]
    search_fields = ["subject", "famille__numero"]
    raw_id_fields = ["famille"]
