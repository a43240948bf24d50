from django.contrib import admin

from participants.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "described_as"]
    search_fields = ["user__email", "display_name"]
    list_select_related = ["user"]
