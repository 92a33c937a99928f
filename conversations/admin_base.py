"""What the admin pages of several domains share: models nobody edits in the admin, and pages that stand in for a
model's list of rows."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows nobody adds, changes or deletes in the admin: they change only through their domain's services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PageAdmin(ReadOnlyAdmin):
    """One page in place of the list of rows, and no row's page: `page_view` renders it (aggregates, never a row
    one by one). Who may see it is `has_view_permission`'s to say."""

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.page_view)
        return [path("", view, name=f"{opts.app_label}_{opts.model_name}_changelist")]

    def page_view(self, request):
        raise NotImplementedError
