"""Crisis detection, the moderation queue and staff alerts."""

from emochat import env

# Seconds a new or raised case may wait to be acknowledged before it escalates to the next on-call tier.
EMOCHAT_CASE_ACK_SLA = env.seconds_by_level(
    "EMOCHAT_CASE_ACK_SLA", {"imminent": 120, "behavior": 300, "ideation": 900},
    ("imminent", "behavior", "ideation"),
)
# Who is emailed when a case opens or rises (tier 0), then each escalation tier in turn: tiers separated by
# `;`, addresses within a tier by `,`. E.g. "mods@example.org;oncall@example.org;lead@example.org".
EMOCHAT_ALERT_EMAILS = [
    [address.strip() for address in tier.split(",") if address.strip()]
    for tier in (env.string("EMOCHAT_ALERT_EMAILS") or "").split(";")
]
EMOCHAT_ALERT_EMAILS = [tier for tier in EMOCHAT_ALERT_EMAILS if tier]
# A Slack-compatible incoming webhook; each request is signed with HMAC-SHA256 when a secret is set.
EMOCHAT_ALERT_WEBHOOK_URL = env.string("EMOCHAT_ALERT_WEBHOOK_URL")
EMOCHAT_ALERT_WEBHOOK_SECRET = env.string("EMOCHAT_ALERT_WEBHOOK_SECRET")
EMOCHAT_ALERT_TIMEOUT = env.integer("EMOCHAT_ALERT_TIMEOUT", 10, minimum=1)
# Attempts before an alert is given up as failed (backing off 5 s, 10 s, 20 s … up to 5 minutes apart).
EMOCHAT_ALERT_MAX_ATTEMPTS = env.integer("EMOCHAT_ALERT_MAX_ATTEMPTS", 10, minimum=1)
# Where staff open emochat, for links in alerts.
EMOCHAT_SITE_URL = (env.string("EMOCHAT_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

_email = env.email("EMAIL_URL", "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL") or "emochat <alerts@localhost>"

# Assignment (conversations/moderation/assignment.py). How many unresolved cases a moderator holds at once unless
# a lead sets their own number; new cases go to the least-loaded available moderator with room.
EMOCHAT_MODERATOR_CAPACITY = env.integer("EMOCHAT_MODERATOR_CAPACITY", 3, minimum=1)
# Seconds an assignee may go without acting on a case (acknowledging, joining, writing, a note…) before it
# returns to the queue for someone else, they are set away, and the leads are told.
EMOCHAT_ASSIGNEE_IDLE_SECONDS = env.integer("EMOCHAT_ASSIGNEE_IDLE_SECONDS", 600, minimum=10)
# Behavior and imminent cases in a row after which a break is suggested and the next high-risk case goes to
# someone else while anyone else has room.
EMOCHAT_HIGH_RISK_RUN_CAP = env.integer("EMOCHAT_HIGH_RISK_RUN_CAP", 3, minimum=1)
