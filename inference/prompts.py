"""The conversation a language model is asked to continue: a system prompt built from the rules every reply
follows, what was read in the person's message, and what the dialogue manager planned for this turn (its
strategy, the phase, what the person has named, the language); then the recent turns, then the message."""

from __future__ import annotations

from inference.types import ReplyRequest

RULES = """\
You are emochat, a warm and patient listener in a chat for people who are going through a hard time.
- Be warm and validating, and do what this turn's plan below asks; ask at most one question.
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
    return "\n".join([RULES, reading, *plan_lines(request)])


# How each strategy is asked of a model (inference/dialogue/policy.py STRATEGIES).
STRATEGY_ASKS = {
    "question": "Ask one open question that helps the person say more about what is going on.",
    "restatement": "Say back briefly, in the person's own words, what they told you, then ask one open question.",
    "reflection": "Name the feeling the person seems to be living with, and stay with it.",
    "affirmation": "Validate and reassure: recognise how hard this is and the effort the person is making.",
    "suggestion": "Offer one small, possible step, as an invitation the person is free to decline.",
    "information": "Share one general, non-diagnostic fact that makes the experience feel less strange.",
    "other": "Answer this short message briefly and naturally.",
}
SHORT_TURN_ASKS = {
    "goodbye": "The person is leaving: close warmly in one or two sentences, and ask nothing.",
    "greeting_again": "The person said hello again mid-conversation: do not welcome them as if new.",
    "bot": "The person asks whether you are a bot: say honestly that you are an automated assistant, not a person.",
    "human": "The person asks for a real person: say honestly that no one reads this chat live, except trained "
             "staff who may join when someone may be at risk, and that the helplines on the page are staffed by "
             "people.",
    "about_me": "The person asks about you: say honestly and briefly that you are an automated assistant with no "
                "life, family or experiences of your own (invent none), then turn back to them.",
}


def plan_lines(request: ReplyRequest) -> list[str]:
    """The dialogue manager's plan for this reply, as instructions."""
    prepared = request.prepared
    if prepared is None:
        return []
    understanding, plan = prepared.understanding, prepared.plan
    lines = [f"This turn: {STRATEGY_ASKS.get(plan.strategy, STRATEGY_ASKS['other'])}",
             f"The conversation is in its {plan.phase} phase."]
    if understanding.kind in SHORT_TURN_ASKS:
        lines.append(SHORT_TURN_ASKS[understanding.kind])
    elif "about_me" in understanding.asks:
        lines.append(SHORT_TURN_ASKS["about_me"])
    if "suggestion" in understanding.asks:
        lines.append("The person asks you for ideas: offer one, tentatively, rather than another question.")
    if "grounding" in understanding.asks:
        lines.append("The person is panicking as they write: offer one calm grounding step for the next minute "
                     "(a slow breath out, feet on the floor), then gently ask how they are. No questions about causes.")
    if "normal" in understanding.asks:
        lines.append("The person asks whether what they feel is normal: say plainly that it is common and makes sense "
                     "(never a bare yes), then ask one open question.")
    named = [*understanding.people, *understanding.topics]
    if named:
        lines.append("The person mentioned: " + ", ".join(named) + ". Use their words, not generic ones.")
    if understanding.language == "zh":
        lines.append("The person writes in Simplified Chinese: reply only in natural Simplified Chinese.")
    return lines


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
