from django.contrib import admin

from feedback.models import (
    Answer,
    FeedbackAction,
    FeedbackForm,
    FeedbackReceipt,
    Question,
    Response,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "kind", "text", "easy_read_text", "required", "is_default", "key"]
    readonly_fields = ["is_default", "key"]


@admin.register(FeedbackForm)
class FeedbackFormAdmin(admin.ModelAdmin):
    list_display = ["workshop", "days_open", "anonymous", "easy_read"]
    list_filter = ["anonymous"]
    search_fields = ["workshop__title"]
    list_select_related = ["workshop"]
    raw_id_fields = ["workshop"]
    inlines = [QuestionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "value", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """People's answers can be read and, for erasure, deleted; never changed."""

    list_display = ["form", "created_at", "updated_at", "quote_consent"]
    list_select_related = ["form__workshop"]
    readonly_fields = ["form", "user", "perspectives", "quote_consent", "created_at", "updated_at"]
    inlines = [AnswerInline]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(FeedbackReceipt)
class FeedbackReceiptAdmin(admin.ModelAdmin):
    list_display = ["form", "user", "responded_at"]
    list_select_related = ["form__workshop", "user"]
    readonly_fields = ["form", "user", "responded_at"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(FeedbackAction)
class FeedbackActionAdmin(admin.ModelAdmin):
    """“You said, we did”. Publishing (which emails people) happens on the organisers' page."""

    list_display = ["programme", "changed_on", "workshop", "published_at"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    list_select_related = ["programme", "workshop"]
    search_fields = ["heard", "changed", "programme__title"]
    raw_id_fields = ["programme", "workshop"]
    readonly_fields = ["created_by", "published_at", "published_by", "created_at", "updated_at"]
