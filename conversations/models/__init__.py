"""The app's models, one module per domain, re-exported here so `conversations.models` stays the one place
Django and the code import them from."""

from conversations.models.analytics import Analytics
from conversations.models.chat import Conversation, Dialogue, Message, ReplyFeedback
from conversations.models.moderation import Alert, CannedReply, Case, CaseEvent, CaseNote, Shift
from conversations.models.mood import MoodCheckIn
from conversations.models.privacy import Consent, DataKey, KeyRotation, TranscriptAccess

__all__ = ["Alert", "Analytics", "CannedReply", "Case", "CaseEvent", "CaseNote", "Consent", "Conversation", "DataKey", "Dialogue",
           "KeyRotation", "Message", "MoodCheckIn", "ReplyFeedback", "Shift",
           "TranscriptAccess"]
