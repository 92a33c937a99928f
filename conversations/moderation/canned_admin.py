"""Approved replies in Django admin: the moderation leads write and change them, moderators read them (and insert
them on a case page, case.html). Staff's own words, in clear; how often each was sent is counted (canned.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conversations import permissions, writing
from conversations.models import CannedReply
from conversations.templatetags.staff_time import staff_time


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ("title", "language", "text", "active")
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "cols": 70})}
        help_texts = {
            "language": gettext_lazy("The conversations it is offered in first; moderators can pick it in any."),
            "text": gettext_lazy("What the moderator puts into their message and edits before sending it."),
            "active": gettext_lazy("Untick to stop offering it without losing how often it was sent."),
        }

    def clean_title(self) -> str:
        title = writing.visible(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Give the reply a title."))
        return title

    def clean_text(self) -> str:
        # As a moderator's message is read when it is sent (services._written): invisible characters are no text.
        text = writing.visible(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Write the reply's text."))
        return text


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    """Leads (lead_case) add, change and delete; moderators (work_case) read them here. Uses are counted only when
    a message is sent, never set here."""

    form = CannedReplyForm
    list_display = ("title", "language", "active", "uses", "last_used", "changed")
    list_filter = ("language", "active")
    search_fields = ("title", "text")
    readonly_fields = ("uses", "last_used", "changed", "created_by")

    def has_module_permission(self, request):
        return request.user.has_perm(permissions.WORK_CASE)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(permissions.WORK_CASE)

    def has_add_permission(self, request):
        return request.user.has_perm(permissions.LEAD_CASE)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(permissions.LEAD_CASE)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(permissions.LEAD_CASE)

    def get_fields(self, request, obj=None):
        return CannedReplyForm.Meta.fields if obj is None else (*CannedReplyForm.Meta.fields, *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.save()
        else:
            # Only what the form holds: a message sent meanwhile counts its use in the same row (canned.py).
            obj.save(update_fields=[*CannedReplyForm.Meta.fields, "updated_at"])

    @admin.display(description=gettext_lazy("last sent"), ordering="last_used_at")
    def last_used(self, obj: CannedReply) -> str:
        return staff_time(obj.last_used_at)

    @admin.display(description=gettext_lazy("changed"), ordering="updated_at")
    def changed(self, obj: CannedReply) -> str:
        return staff_time(obj.updated_at)
