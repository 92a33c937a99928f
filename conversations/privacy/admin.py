"""Django admin for conversations and transcript readings. Lists show no one's words; a transcript is decrypted
only on its own page, after the reader gives a reason, and each opening is recorded (docs/privacy.md, "Staff
access audit")."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from conversations import permissions
from conversations.admin_base import ReadOnlyAdmin
from conversations.models import Conversation, TranscriptAccess
from conversations.moderation import selectors as moderation
from conversations.privacy import sealing, services


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "owner_kind", "status", "created_at", "message_count", "transcript_link")
    list_filter = ("status",)
    ordering = ("-created_at",)
    fields = ("id", "status", "created_at", "closed_at", "last_seq")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(message_count=Count("messages"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever may read transcripts must be able to find them.
        return super().has_view_permission(request, obj) or request.user.has_perm(permissions.READ_TRANSCRIPT)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.has_perm(permissions.READ_TRANSCRIPT)

    @admin.display(description=gettext_lazy("owner"))
    def owner_kind(self, obj: Conversation) -> str:
        return gettext("account") if obj.user_id else gettext("visitor")

    @admin.display(description=gettext_lazy("messages"), ordering="message_count")
    def message_count(self, obj: Conversation) -> int:
        return obj.message_count

    @admin.display(description=gettext_lazy("transcript"))
    def transcript_link(self, obj: Conversation) -> str:
        url = reverse("admin:conversations_conversation_transcript", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Read transcript…"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.transcript_view)
        return [path("<uuid:conversation_id>/transcript/", view, name="conversations_conversation_transcript"),
                *super().get_urls()]

    def transcript_view(self, request, conversation_id):
        if not request.user.has_perm(permissions.READ_TRANSCRIPT):
            raise PermissionDenied
        conversation = get_object_or_404(Conversation, pk=conversation_id)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "conversation": conversation,
                   "title": gettext("Read transcript"), "min_reason": services.MIN_REASON_LENGTH, "reason": ""}
        if request.method == "POST":
            context["reason"] = request.POST.get("reason", "")
            try:
                context["messages_read"] = moderation.with_risk(services.transcript_open(
                    staff=request.user, conversation_id=conversation.pk, reason=context["reason"]
                ), conversation.pk)
            except services.PrivacyError as exc:
                context["error"] = exc.detail
        return TemplateResponse(request, "admin/conversations/transcript.html", context)


@admin.register(TranscriptAccess)
class TranscriptAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "reader", "role", "conversation_id", "reason")
    list_filter = ("role",)
    ordering = ("-at",)

    @admin.display(description=gettext_lazy("reason"))
    def reason(self, obj: TranscriptAccess) -> str:
        text = sealing.unsealed(TranscriptAccess, "reason_encrypted", obj.pk, obj.reason_encrypted)
        return text if text is not None else gettext("(unreadable: the person erased their data)")
