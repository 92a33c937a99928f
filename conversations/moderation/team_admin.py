"""The queue page's shift panel: a moderator setting themselves available or away, and, for leads, the team's
load, capacity and high-risk runs (moderation/assignment.py does the assigning)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from conversations import permissions
from conversations.moderation import assignment, selectors, shifts

QUEUE = "admin:conversations_case_changelist"


def queue_context(request) -> dict:
    """What the queue page shows above the cases: your own shift, and the whole team's for a lead."""
    lead = request.user.has_perm(permissions.LEAD_CASE)
    team = selectors.team_on_shift() if lead else selectors.team_on_shift(user_id=request.user.pk)
    mine = next((row for row in team if row.user_id == request.user.pk), None)
    return {"my_shift": mine, "team": team if lead else (), "is_lead": lead}


def urls(admin_site) -> list:
    return [path("shift/", admin_site.admin_view(shift_view), name="conversations_case_shift"),
            path("team/<int:user_id>/capacity/", admin_site.admin_view(capacity_view),
                 name="conversations_case_capacity")]


def shift_view(request):
    """POST available=1 or 0: the moderator's own choice."""
    if not request.user.has_perm(permissions.WORK_CASE):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    available = request.POST.get("available") == "1"
    assignment.shift_set(user=request.user, available=available)
    messages.success(request, _("You are available for new cases.") if available else
                     _("You are away: no new cases come to you, and the ones you had not acknowledged are back in "
                       "the queue."))
    return redirect(QUEUE)


def capacity_view(request, user_id: int):
    """POST capacity=N (empty for the default): a lead sets how many cases a moderator holds at once."""
    if not request.user.has_perm(permissions.LEAD_CASE):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member = selectors.case_workers().filter(pk=user_id).first()
    raw = request.POST.get("capacity", "").strip()
    if member is None:
        messages.error(request, _("Choose a member of the Moderators group."))
    elif raw and not raw.isdigit():
        messages.error(request, _("Capacity is a whole number of cases."))
    else:
        try:
            shifts.capacity_set(user_id=member.pk, capacity=int(raw) if raw else None)
        except shifts.CapacityError:
            messages.error(request, _("Capacity must be between 1 and %(most)d cases.") % {"most": shifts.MAX_CAPACITY})
        else:
            messages.success(request, _("%(name)s now holds up to %(count)d cases at once.") % {
                "name": member.get_username(), "count": shifts.capacity_of(member.shift)})
    return redirect(QUEUE)
