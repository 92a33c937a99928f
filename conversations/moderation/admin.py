"""The moderation queue in Django admin: the list of cases, each case's page, and its actions. Labels, times and
people only; a person's words appear on a case page solely after a recorded reading (joining the conversation)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Script
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from conversations import permissions
from conversations.admin_base import ReadOnlyAdmin
from conversations.chat import screening
from conversations.models import Case
from conversations.moderation import canned, rules, selectors, services, team, team_admin
from conversations.privacy import services as privacy
from conversations.templatetags.staff_time import staff_time

# The levels with a badge colour of their own (admin.css); the level is written in the badge too, so colour is
# never the only cue.
LEVEL_COLOURS = ("imminent", "behavior", "ideation", "indicator")


def level_badge(level: str) -> str:
    """The level in a coloured badge (admin.css: the page's Content-Security-Policy allows no inline style)."""
    return format_html('<span class="case-level" data-level="{}" title="{}">{}</span>',
                       level if level in LEVEL_COLOURS else "other", _("Risk level: %(level)s") % {"level": level},
                       level)


def join_reason(case: Case) -> str:
    return f"Joined the conversation to support the person (case {str(case.id)[:8]})"


def timeline_detail(detail: dict) -> str:
    return "; ".join(f"{key.replace('_', ' ')}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                     for key, value in detail.items())


class CaseStatusFilter(admin.SimpleListFilter):
    """Unresolved cases by default: resolved ones are history, shown only when asked for."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Case.Status.choices, ("all", _("all, resolved too"))]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset.exclude(status=Case.Status.RESOLVED)
        return queryset if self.value() == "all" else queryset.filter(status=self.value())

    def choices(self, changelist):
        choices = iter(super().choices(changelist))
        yield {**next(choices), "display": _("not resolved")}
        yield from choices


class CaseLevelFilter(admin.SimpleListFilter):
    title = gettext_lazy("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [(level, level) for level in LEVEL_COLOURS]

    def queryset(self, request, queryset):
        return queryset.filter(level=self.value()) if self.value() else queryset


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """The queue and each case's page. Labels, times and people only: a person's words appear on a case page
    solely after a recorded reading (joining the conversation), and every write goes through services.py, whose
    timeline is the audit."""

    # What a tired moderator scans a row for, narrow enough for 1280 px (admin.css): which case, how bad, where it
    # stands against its SLA, whether the person is still there, who has it, and what the screening found.
    list_display = ("case_display", "level_display", "status", "sla_display", "waiting", "last_activity",
                    "where", "assignee", "screening_display")
    list_display_links = ("case_display",)
    list_filter = (CaseStatusFilter, CaseLevelFilter)
    ordering = ("-priority", "opened_at")
    actions = None
    list_per_page = 50

    class Media:
        # Deferred: it looks up the page's elements as soon as it runs.
        js = [Script("app/moderation.js", defer=True)]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignee", "conversation")

    def has_module_permission(self, request):
        return request.user.has_perm(permissions.WORK_CASE)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(permissions.WORK_CASE)

    @admin.display(description=gettext_lazy("case"))
    def case_display(self, obj: Case) -> str:
        return str(obj.id)[:8]

    @admin.display(description=gettext_lazy("level"), ordering="-priority")
    def level_display(self, obj: Case) -> str:
        categories = self.categories_display(obj)
        return format_html('{}<br><span class="case-categories">{}</span>', level_badge(obj.level), categories)

    @admin.display(description=gettext_lazy("categories"))
    def categories_display(self, obj: Case) -> str:
        return ", ".join(category.replace("_", " ") for category in obj.categories) or "—"

    @admin.display(description=gettext_lazy("waiting"), ordering="opened_at")
    def waiting(self, obj: Case) -> str:
        if obj.resolved_at:
            return _("resolved after %(time)s") % {"time": timesince(obj.opened_at, obj.resolved_at)}
        return timesince(obj.opened_at)

    @admin.display(description=gettext_lazy("SLA"), ordering="acknowledge_by")
    def sla_display(self, obj: Case) -> str:
        """Overdue in words and a mark, never colour alone; the time in the moderator's own zone."""
        now = timezone.now()
        state = rules.sla_state(status=obj.status, acknowledge_by=obj.acknowledge_by,
                                acknowledged_at=obj.acknowledged_at, escalation_tier=obj.escalation_tier, now=now)
        if state == "met":
            return _("acknowledged %(time)s") % {"time": staff_time(obj.acknowledged_at)} if obj.acknowledged_at \
                else "—"
        if state == "overdue":
            escalated = ngettext("escalated once", "escalated %(count)d times", obj.escalation_tier) % {
                "count": obj.escalation_tier} if obj.escalation_tier else _("not yet escalated")
            return format_html('<strong class="sla-overdue" data-sla="overdue">⚠ {}</strong><br>{}',
                               _("OVERDUE"), escalated)
        return format_html('<span data-sla="due">{}</span>',
                           _("due %(time)s (in %(left)s)") % {"time": staff_time(obj.acknowledge_by),
                                                             "left": timesince(now, obj.acknowledge_by)})

    @admin.display(description=gettext_lazy("last activity"), ordering="-last_message_at")
    def last_activity(self, obj: Case) -> str:
        return _("%(time)s ago") % {"time": timesince(obj.last_message_at)}

    @admin.display(description=gettext_lazy("language · country"))
    def where(self, obj: Case) -> str:
        conversation = obj.conversation
        if conversation is None:
            return "—"
        return f"{conversation.language} · {conversation.country or '—'}"

    @admin.display(description=gettext_lazy("screening"))
    def screening_display(self, obj: Case) -> str:
        return screening.summary(obj.screening or {}).removeprefix("screened: ") or _("not screened")

    # --- the case page and its actions ---

    def get_urls(self):
        view = self.admin_site.admin_view(self.action_view)
        return [path("<uuid:case_id>/act/<slug:action>/", view, name="conversations_case_action"),
                *team_admin.urls(self.admin_site), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**team_admin.queue_context(request), **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not request.user.has_perm(permissions.WORK_CASE):
            raise PermissionDenied
        case = self.get_object(request, object_id)
        if case is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return self._case_page(request, case)

    def _case_page(self, request, case: Case, *, messages_read: list[dict] | None = None):
        conversation = case.conversation
        joined = bool(conversation and conversation.assistant_paused and case.status == Case.Status.IN_PROGRESS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": _("Case %(id)s") % {"id": str(case.id)[:8]}, "case": case, "media": self.media,
            "level_badge": level_badge(case.level), "categories": self.categories_display(case),
            "screening": screening.summary(case.screening or {}),
            "waiting": self.waiting(case), "acknowledge_by": self.sla_display(case),
            "moves": rules.MOVES[case.status], "outcomes": Case.Outcome.choices,
            "is_lead": request.user.has_perm(permissions.LEAD_CASE),
            "can_claim": rules.can_claim(status=case.status, assignee_id=case.assignee_id, user_id=request.user.pk,
                                         lead=request.user.has_perm(permissions.LEAD_CASE)),
            "workers": selectors.case_workers() if request.user.has_perm(permissions.LEAD_CASE) else (),
            "joined": joined, "messages_read": messages_read,
            "canned_replies": canned.canned_offered(language=conversation.language) if joined else (),
            "can_read": request.user.has_perm(permissions.READ_TRANSCRIPT),
            "timeline": [(event, timeline_detail(event.detail)) for event in selectors.case_timeline(case_id=case.pk)],
            "notes": selectors.case_notes(case_id=case.pk),
            "transcript_url": reverse("admin:conversations_conversation_transcript", args=[conversation.pk])
            if conversation else None,
        }
        return TemplateResponse(request, "admin/conversations/case/case.html", context)

    def action_view(self, request, case_id, action):
        """Each action calls one service in services.py; what it refuses is shown as the case's error message."""
        if not request.user.has_perm(permissions.WORK_CASE):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        handler = self.ACTIONS.get(action)
        if handler is None:
            raise PermissionDenied  # not an action; answered like a forbidden one, so URLs reveal nothing
        case = get_object_or_404(Case, pk=case_id)
        wants_json = request.headers.get("Accept") == "application/json"
        try:
            page = handler(self, request, case)
        except services.CaseError as exc:
            if wants_json:
                return JsonResponse({"error": exc.detail}, status=409)
            self.message_user(request, exc.detail, messages.ERROR)
            page = None
        if wants_json:
            return JsonResponse({"ok": True})
        return page or redirect("admin:conversations_case_change", case.pk)

    def _claim(self, request, case):
        services.case_claim(case_id=case.pk, moderator=request.user)
        self.message_user(request, _("You have the case."), messages.SUCCESS)

    def _acknowledge(self, request, case):
        services.case_move(case_id=case.pk, moderator=request.user, status=Case.Status.ACKNOWLEDGED)

    def _progress(self, request, case):
        services.case_move(case_id=case.pk, moderator=request.user, status=Case.Status.IN_PROGRESS)

    def _resolve(self, request, case):
        services.case_move(case_id=case.pk, moderator=request.user, status=Case.Status.RESOLVED,
                           outcome=request.POST.get("outcome", ""))
        self.message_user(request, _("The case is resolved."), messages.SUCCESS)

    def _assign(self, request, case):
        if not request.user.has_perm(permissions.LEAD_CASE):
            raise PermissionDenied
        chosen = request.POST.get("assignee", "")
        assignee = selectors.case_workers().filter(pk=chosen).first() if chosen.isdecimal() else None
        if assignee is None:
            raise services.CaseError(_("Choose a member of the Moderators group."))
        services.case_assign(case_id=case.pk, lead=request.user, assignee=assignee)
        self.message_user(request, _("Assigned to %(name)s.") % {"name": assignee.get_username()}, messages.SUCCESS)

    def _note(self, request, case):
        services.case_note_add(case_id=case.pk, moderator=request.user, text=request.POST.get("text", ""))
        self.message_user(request, _("Note added."), messages.SUCCESS)

    def _join(self, request, case):
        """Join, or (already joined) show the conversation so far: either way the reading is recorded first,
        in the same transaction, so no words are shown without a record of who read them and why. Joining shows
        the person's words, so it needs the permission to read them."""
        if not request.user.has_perm(permissions.READ_TRANSCRIPT):
            raise PermissionDenied
        with transaction.atomic():
            joined = services.conversation_join(case_id=case.pk, moderator=request.user)
            messages_read = privacy.transcript_open(staff=request.user, conversation_id=joined.conversation_id,
                                                    reason=join_reason(joined))
        # Rendered here rather than after a redirect: the words are never kept anywhere to show them again.
        case = Case.objects.select_related("conversation", "assignee").get(pk=case.pk)
        return self._case_page(request, case, messages_read=selectors.with_risk(messages_read, case.conversation_id))

    def _hand_back(self, request, case):
        services.conversation_hand_back(case_id=case.pk, moderator=request.user)
        self.message_user(request, _("The assistant answers the person again."), messages.SUCCESS)

    def _message(self, request, case):
        # The approved reply the page inserted, if any: an id (bigint, at most 19 digits), else nothing is counted.
        chosen = request.POST.get("canned_reply", "")
        reply_id = int(chosen) if chosen.isdecimal() and len(chosen) <= 19 else None
        services.moderator_message_send(case_id=case.pk, moderator=request.user, text=request.POST.get("text", ""),
                                        canned_reply_id=reply_id)

    ACTIONS = {"claim": _claim, "acknowledge": _acknowledge, "progress": _progress, "resolve": _resolve,
               "assign": _assign, "note": _note, "join": _join, "hand-back": _hand_back, "message": _message}


# --- the team: "Add moderator" on the users' list -------------------------------------------------------------

class ModeratorAddForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"), help_text=gettext_lazy(
        "Also their username. An existing account with this address is made a moderator and keeps its password "
        "unless you set one here."))
    lead = forms.BooleanField(required=False, label=gettext_lazy("Moderation lead"), help_text=gettext_lazy(
        "Leads also assign cases to others and take over cases others claimed."))
    password1 = forms.CharField(label=gettext_lazy("Password"), required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=gettext_lazy("Password (again)"), required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1", "") != data.get("password2", ""):
            self.add_error("password2", _("The two passwords differ."))
        return data


class TeamUserAdmin(UserAdmin):
    """Django's users' pages, with "Add moderator" (team.moderator_create, as `createmoderator` does)."""

    change_list_template = "admin/emochat/user_change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.moderator_add_view)
        return [path("add-moderator/", view, name="auth_user_moderator_add"), *super().get_urls()]

    def moderator_add_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ModeratorAddForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                done = team.moderator_create(email=form.cleaned_data["email"], lead=form.cleaned_data["lead"],
                                             password=form.cleaned_data["password1"] or None)
            except ValidationError as exc:
                on_email = getattr(exc, "code", None) in ("invalid", "ambiguous", "no_group")
                form.add_error("email" if on_email else "password1", exc)
            else:
                said = (_("%(user)s is in %(group)s.") if done.changed
                        else _("%(user)s is in %(group)s already; nothing changed.")) % {"user": done.username,
                                                                                       "group": done.group}
                self.message_user(request, said, messages.SUCCESS)
                return redirect("admin:auth_user_change", done.user_id)
        context = {**self.admin_site.each_context(request), "title": _("Add moderator"), "form": form,
                   "opts": self.opts}
        return TemplateResponse(request, "admin/emochat/moderator_add.html", context)


admin.site.unregister(User)
admin.site.register(User, TeamUserAdmin)
