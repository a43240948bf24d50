from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from programmes.models import Invitation, Membership, Programme
from programmes.services import membership_add, membership_remove


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Team roles. Adding and removing go through the services so each change is audited."""

    list_display = ["user", "role", "programme", "added_by", "created_at"]
    list_filter = ["role", "programme"]
    search_fields = ["user__email", "programme__title"]
    autocomplete_fields = ["user", "programme"]
    fields = ["programme", "user", "role"]
    list_select_related = ["user", "programme", "added_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A role is added or removed, never edited, so the audit trail tells the whole story.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        saved = membership_add(
            programme=obj.programme, user=obj.user, role=obj.role, added_by=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_remove(membership=obj, removed_by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset.select_related("programme", "user"):
            membership_remove(membership=membership, removed_by=request.user)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent, resent and withdrawn from the organisers' pages."""

    list_display = ["email", "programme", "workshop", "status", "expires_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["email", "name"]
    list_select_related = ["programme", "workshop"]
    exclude = ["token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
