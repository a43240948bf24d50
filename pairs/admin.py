from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pairs.models import LogEntry, Pair


class ReadOnly(admin.ModelAdmin):
    """Pairs change through their pages, so every decision is made for both partners and
    both hear about it; the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pair)
class PairAdmin(ReadOnly):
    list_display = ["pk", "programme", "cohort", "professional", "partner", "status", "created_at"]
    list_filter = ["status", "programme"]
    search_fields = ["professional__email", "partner__email", "partner_email"]
    list_select_related = ["programme", "cohort", "professional", "partner"]
    exclude = ["partner_token"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnly):
    list_display = ["pair", "entry_date", "sharing", "author"]
    list_filter = ["sharing"]
    list_select_related = ["pair__cohort", "author"]
