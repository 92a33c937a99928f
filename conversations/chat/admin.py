"""Django admin for the feedback people give on replies: how many replies of each strategy, from each backend,
were found helpful or not. Counts only: a reason is the person's words, read only in their transcript, after a
reason is given there (privacy/admin.py)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy

from conversations.admin_base import PageAdmin
from conversations.chat import selectors
from conversations.models import ReplyFeedback

SCRIPTED = gettext_lazy("scripted text")  # the crisis script, the screening's questions: no strategy, no backend
NOT_RECORDED = gettext_lazy("not recorded")  # replies stored before their backend was


@admin.register(ReplyFeedback)
class ReplyFeedbackAdmin(PageAdmin):
    """One page, the counts; no list of rows and no row's page, so no one's feedback is looked at one by one."""

    def page_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [{"strategy": count.strategy or SCRIPTED,
                 "backend": count.backend or ("–" if not count.strategy else NOT_RECORDED),
                 "helpful": count.helpful, "not_helpful": count.not_helpful,
                 "total": count.helpful + count.not_helpful,
                 "share": _share(count.helpful, count.helpful + count.not_helpful)}
                for count in selectors.feedback_counts()]
        helpful, not_helpful = sum(row["helpful"] for row in rows), sum(row["not_helpful"] for row in rows)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": gettext_lazy("Feedback on replies"), "rows": rows, "helpful": helpful, "not_helpful": not_helpful, "total": helpful + not_helpful,
                   "share": _share(helpful, helpful + not_helpful)}
        return TemplateResponse(request, "admin/conversations/replyfeedback/counts.html", context)


def _share(helpful: int, total: int) -> str:
    return f"{helpful / total:.0%}" if total else "–"
