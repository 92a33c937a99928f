"""The privacy API (docs/privacy.md): consent, export, erasure. Views check, call one service or selector, answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from conversations import admission, api, identity
from conversations.privacy import selectors, services


@require_GET
@api.with_owner
def privacy_state(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    return JsonResponse(selectors.privacy_state(owner=owner))


@require_POST
@api.with_owner
def consent_give(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    if not admission.allow(admission.CONSENT, admission.address_of_request(request)):
        return api.error(429, "rate_limited", gettext("Too many people have joined from your network just now. "
                                                      "Please try again in a few minutes."))
    body = api.body(request)
    if body is None or not isinstance(body.get("version"), str) or not isinstance(body.get("purposes"), list) \
            or not all(isinstance(p, str) for p in body["purposes"]):
        return api.error(400, "invalid", 'Send {"version": "<notice version>", "purposes": ["support", ...]}.')
    try:
        services.consent_give(owner=owner, version=body["version"], purposes=body["purposes"])
    except services.PrivacyError as exc:
        return api.error(409 if exc.code == "notice_changed" else 400, exc.code, exc.detail)
    return JsonResponse(selectors.privacy_state(owner=owner))


@require_POST
@api.with_owner
def consent_withdraw(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    services.consent_withdraw(owner=owner)
    return JsonResponse(selectors.privacy_state(owner=owner))


@require_GET
@api.with_owner
def export(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    response = JsonResponse(selectors.export_for(owner=owner), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="emochat-export-{timezone.now():%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@api.with_owner
def erase(request: HttpRequest, owner: identity.Owner) -> HttpResponse:
    body = api.body(request)
    if body is None or body.get("confirm") is not True:
        return api.error(400, "confirmation_required", 'Erasing cannot be undone: send {"confirm": true}.')
    erased = services.subject_erase(owner=owner)
    if owner.user_id is None:
        # A fresh session and visitor id: nothing written from now on is linked to what was erased.
        request.session.flush()
        identity.visitor_id_ensure(request.session)
    return JsonResponse({"erased": {"conversations": erased.conversations, "messages": erased.messages}})
