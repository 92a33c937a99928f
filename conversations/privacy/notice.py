"""The privacy notice a person agrees to before their first message. Change VERSION whenever the text or the
purposes change: everyone is then asked again."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

VERSION = "2026-11-30"
TITLE = _("Before you start")
PARAGRAPHS = (
    _("What you write here is stored encrypted, so that you can come back to this conversation from this browser."),
    _("An automatic system reads your messages to reply and to notice if you might be in danger. Only then may a "
      "member of our support team read the conversation, to help you; every time they do, you can see it under "
      "Privacy."),
    _("You can download everything you wrote, or delete all of it for good, at any time from Privacy."),
    _("emochat is not an emergency service. If you are in danger now, call your local emergency number."),
)
PURPOSES = (
    {"id": "support", "required": True,
     "label": _("Store my messages encrypted and process them to reply to me and keep me safe.")},
    {"id": "improve", "required": False,
     "label": _("Use my anonymised conversations to improve emochat.")},
)
PURPOSE_IDS = frozenset(purpose["id"] for purpose in PURPOSES)
REQUIRED = frozenset(purpose["id"] for purpose in PURPOSES if purpose["required"])


def as_dict() -> dict:
    """The notice in the active language (the person's, LocaleMiddleware)."""
    return {"version": VERSION, "title": str(TITLE), "paragraphs": [str(p) for p in PARAGRAPHS],
            "purposes": [{**p, "label": str(p["label"])} for p in PURPOSES]}
