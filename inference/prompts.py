"""The conversation a language model is asked to continue: a system prompt built from what was read in the
person's message and the rules every reply follows, then the recent turns, then the message itself."""

from __future__ import annotations

from inference.types import ReplyRequest

RULES = """\
You are emochat, a warm and patient listener in a chat for people who are going through a hard time.
- Reflect the person's feelings back in your own words and validate them; then ask one open question.
- Keep to two to four short sentences of plain text: no lists, no headings, no emoji.
- Never diagnose, never name conditions, never advise on medication, drugs, alcohol or doses.
- Never tell the person what they should do, never promise outcomes, never minimise what they feel.
- Never describe or discuss ways of hurting oneself. If the person mentions wanting to die or to hurt \
themselves, say you are glad they told you, that they deserve support right now, and that the helplines \
shown on the page can talk with them at any hour.
- Do not claim to be a human, a therapist or a doctor."""


def system_prompt(request: ReplyRequest) -> str:
    emotion = request.emotion
    if emotion is None or emotion.group == "neutral" or not emotion.labels:
        reading = "No strong emotion was detected in the person's last message."
    else:
        felt = ", ".join(item.label for item in emotion.labels[:3])
        reading = f"The person's last message reads as {felt} (overall: {emotion.group}, {emotion.sentiment})."
    return f"{RULES}\n{reading}"


def chat_messages(request: ReplyRequest) -> list[dict[str, str]]:
    """OpenAI-style messages. A moderator's turns count as the assistant's side of the conversation."""
    messages = [{"role": "system", "content": system_prompt(request)}]
    for turn in request.history:
        role = "user" if turn.role == "user" else "assistant"
        if messages[-1]["role"] == role and role != "system":
            messages[-1]["content"] += "\n" + turn.text  # chat templates expect the sides to alternate
        else:
            messages.append({"role": role, "content": turn.text})
    if messages[-1]["role"] == "user":
        messages[-1]["content"] += "\n" + request.text
    else:
        messages.append({"role": "user", "content": request.text})
    return messages
