"""Asking before escalating: the assistant asks about suicide when a message reads `indicator`, and reads the answer.

Counsellors ask directly; asking does not raise risk. A screening starts inside an ordinary supportive reply to a
message about the writer that reads `indicator`. The person's next message is read as the answer (yes, no or
unclear); a "yes" sets the conversation's level and continues, one question a turn, in the structure of the
Columbia screener: thoughts, method, intent, plan, recent preparation or attempt. It stops the moment the person
writes about something else (an answer that is neither yes nor no), and there is at most one screening in a
conversation unless, long after it ended, new signals appear.

This module is the policy and the words, without the database: conversations/chat/services.py keeps the state on
the conversation (`Conversation.screening`) and the answers on the case (`Case.screening`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from inference import scripts
from inference.dialogue.language import detect
from inference.dialogue.state import sentence_key, sentences
from inference.types import FAINT

STEPS = ("thoughts", "method", "intent", "plan", "preparation")
# The level a "yes" sets: thoughts (with or without a method) are ideation; intent, a plan, or preparation and
# attempts are behaviour, as the Columbia screener ranks them at its highest risk.
LEVEL_IF_YES = {"thoughts": "ideation", "method": "ideation", "intent": "behavior", "plan": "behavior",
                "preparation": "behavior"}
# An `indicator` is asked about only when it is more than a faint signal: the rules' words of hopelessness (their
# score is 0.5), or the model's calibrated P(level >= ideation) at least this high in a message that is not `faint`
# (the model alone, in a message naming no danger: inference/triage.py). A sleepless night is not asked.
ASK_AT = 0.3
# A new screening may start when the last one ended at least this many messages ago and a new signal appears.
AGAIN_AFTER_MESSAGES = 20
TEXTS = Path(__file__).parent / "data" / "screening.toml"

ASKING, DONE, STOPPED = "asking", "done", "stopped"

# Words that open an answer without being one: "Honestly? Yes.", "Um, no", "Well... sometimes".
_FILLER_EN = re.compile(r"^(?:\W*(?:honestly|well|um+|uh+|hmm+|i\s+mean|to\s+be\s+honest|tbh|ok(?:ay)?|so|like|oh)\b)+")
_YES_EN = re.compile(
    r"^\W*(?:yes|yeah|yea|yep|yup|ya|y|sure|sometimes|often|always|a\s+lot|kind\s+of|kinda|sort\s+of|a\s+bit|a\s+little"
    r"|maybe|probably|every\s+day|all\s+the\s+time|constantly|most\s+days|at\s+times|now\s+and\s+then|on\s+and\s+off"
    r"|not\s+(?:always|often|every\s+day|all\s+the\s+time)|more\s+than\s+(?:once|i\s+(?:want|like))"
    r"|i(?:'?ve|\s+have)\s+(?:thought\s+about\s+it|been\s+thinking)|i\s+(?:do|have|did)\s+(?:sometimes|often)|i\s+(?:do|have|did)\s+a\s+lot(?=\W*$))\b")
# Agreement words that are a yes only as the whole answer: "right" is not one in "right now I'm at work".
_YES_EN_ALONE = re.compile(r"^\W*(?:right|true|correct|exactly|i\s+think\s+so|i\s+guess(?:\s+so)?|afraid\s+so)\W*$")
_NO_EN = re.compile(
    r"^\W*(?:no|nope|nah|n|not\s+really|not\s+at\s+all|not\s+anymore|not\s+now|not\s+right\s+now|never|no\s+way"
    r"|of\s+course\s+not|definitely\s+not|not\s+that|nothing\s+like\s+that"
    # "I don't", "I haven't": a no as the answer itself, not "I don't know what to think anymore".
    r"|i\s+(?:don'?t|do\s+not|haven'?t|have\s+not|wouldn'?t|won'?t)(?=\W*$|\W+(?:think\s+so|have\s+(?:any|those|them|that)"
    r"|want\s+to\s+die|feel\s+that\s+way|think\s+about\s+(?:it|that)|really|at\s+all|no|but)\b)"
    r"|(?:i\s+am|i'?m)\s+not(?=\W*$|\W+(?:suicidal|thinking|going\s+to|planning|at\s+all|really|but|no)\b))\b")
# A "no" that goes on to say otherwise: "no, but sometimes I wish I wasn't here", "not really, but I've thought
# about it". What follows the "but" is read as an answer of its own.
_BUT_EN = re.compile(r"\bbut\b")
# Neither yes nor no, whatever word it starts with.
_UNSURE_EN = re.compile(r"^\W*(?:i\s+(?:don'?t|do\s+not)\s+(?:really\s+|even\s+)?know|idk|dunno|no\s+idea|not\s+sure|i'?m\s+not\s+sure|i\s+am\s+not\s+sure"
                        r"|hard\s+to\s+say|i\s+can'?t\s+say)\b")
# "I have", "I do", "I do, yeah": a yes only as the whole answer ("I have a lot going on" is not one).
_YES_EN_SHORT = re.compile(r"^\W*i\s+(?:do|have|did|guess|think\s+so|might|would|had)\b(?:\W+\w+){0,2}\W*$")
_UNSURE_ZH = re.compile(r"^\W*(?:不知道|不确定|说不清|不好说|我也不知道)")
_YES_ZH = re.compile(r"^\W*(?:是的|是|有过|有时候|有时|偶尔|经常|会|想过|嗯|对|有|没错|确实)")
# "没错" (that's right) and "不过" (but) start with a "no" character and are not a no.
_NO_ZH = re.compile(r"^\W*(?!没错|不过|不少)(?:没有|没|不是|不会|从来没有|从没|没想过|不想|不)")
_BUT_ZH = re.compile(r"但是|不过|可是|但")
_LEADING_BUT_ZH = re.compile(r"^\W*(?:但是|不过|可是)")
# A "yes" that goes on to answer something else: "yes that would help", "yeah, I'll try that", "yes thank you".
# It agrees with the reply's other words, not with the question about ending one's life.
_YES_ELSEWHERE_EN = re.compile(
    r"^\W*(?:yes|yeah|yea|yep|yup|ya|sure)\W+(?:"
    r"(?:that|it|this)(?:'s|\s+is|\s+would|\s+could|\s+might|\s+will|\s+sounds|\s+makes|\s+helps|\s+may)\s+"
    r"(?:help|be\s+(?:helpful|useful|good|nice|great)|sounds?|makes\s+sense|a\s+good\s+idea|good|great|nice|helpful"
    r"|useful|work)"
    r"|i(?:'ll|\s+will|\s+can|\s+could|\s+might)\s+(?:try|do\s+that|give|look|think\s+about)"
    r"|will\s+(?:try|do)|thanks?|thank\s+you|tell\s+me\s+about\s+it|ok(?:ay)?\b)")
# A short answer is an answer; a long one that says neither yes nor no has moved on to something else.
SHORT_WORDS = 6


@dataclass(frozen=True)
class _Reader:
    """How answers are read in one language."""

    opening: re.Pattern  # words that open an answer without being one
    unsure: re.Pattern
    no: re.Pattern
    but: re.Pattern  # after a "no", what follows this is read again
    yes_after_but: re.Pattern
    yes: Callable[[str], bool]


def _yes_en(text: str) -> bool:
    if _YES_ELSEWHERE_EN.search(text):
        return False
    short = not moved_on(text)
    return bool(_YES_EN.search(text) or short and (_YES_EN_SHORT.search(text) or _YES_EN_ALONE.search(text)))


_READERS = {
    "en": _Reader(_FILLER_EN, _UNSURE_EN, _NO_EN, _BUT_EN, _YES_EN, _yes_en),
    "zh": _Reader(_LEADING_BUT_ZH, _UNSURE_ZH, _NO_ZH, _BUT_ZH, _YES_ZH, lambda text: bool(_YES_ZH.search(text))),
}


def answer_of(text: str) -> str:
    """"yes", "no", or "unclear" (said neither: the person may be talking about something else). "Maybe",
    "sometimes" and "kind of" are a yes, as counsellors take them, and so is a "no" that goes on to say yes ("no,
    but sometimes I think about it")."""
    lowered = (text or "").strip().lower().replace("\u2019", "'")
    reader = _READERS["zh" if scripts.mostly_chinese(lowered) else "en"]
    lowered = reader.opening.sub("", lowered)
    if reader.unsure.search(lowered):
        return "unclear"
    if reader.no.search(lowered):
        rest = reader.but.split(lowered, maxsplit=1)
        return "yes" if len(rest) == 2 and reader.yes_after_but.search(rest[1].strip(" ,.，。")) else "no"
    return "yes" if reader.yes(lowered) else "unclear"


def moved_on(text: str) -> bool:
    """An unclear answer of more than a few words: the person is talking about something else, so asking stops."""
    return len(re.findall(r"\w+", text or "")) > SHORT_WORDS or scripts.mostly_chinese(text or "") and len(text) > 12


def asks_back(text: str) -> bool:
    """A question of the person's own instead of an answer ("what should I do?"): they have moved on, and the
    ordinary reply answers them."""
    return (text or "").strip().endswith(("?", "？"))


@dataclass(frozen=True)
class State:
    """A conversation's screening, as stored in `Conversation.screening`."""

    status: str = ASKING
    step: str = "thoughts"  # the question asked last
    language: str = "en"
    answers: dict[str, str] = field(default_factory=dict)  # step -> yes / no / unclear
    # The person's answers are their messages (sealed like every message); only the ids are kept here.
    answer_ids: dict[str, str] = field(default_factory=dict)
    started_seq: int = 0
    ended_seq: int | None = None
    # The last message this screening answered (a task run twice must say the same thing twice).
    last_message_id: str = ""
    last_turn: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"status": self.status, "step": self.step, "language": self.language, "answers": dict(self.answers),
                "answer_ids": dict(self.answer_ids), "started_seq": self.started_seq, "ended_seq": self.ended_seq,
                "last_message_id": self.last_message_id, "last_turn": dict(self.last_turn)}

    @classmethod
    def from_dict(cls, data: dict | None) -> State | None:
        if not data:
            return None
        return cls(status=data["status"], step=data["step"], language=data.get("language", "en"),
                   answers=dict(data.get("answers", {})), answer_ids=dict(data.get("answer_ids", {})),
                   started_seq=int(data.get("started_seq", 0)), ended_seq=data.get("ended_seq"),
                   last_message_id=data.get("last_message_id", ""), last_turn=dict(data.get("last_turn", {})))


@dataclass(frozen=True)
class Turn:
    """What a screening adds to the reply to one message. `kind`: "ask" (an ordinary reply, then the question),
    "answered" (the screening's own reply instead of the ordinary one), or "stopped" (an ordinary reply only).
    `level`: the risk level the answer sets (None: the answer sets none)."""

    kind: str
    text: str = ""
    level: str | None = None


def due(state: State | None, *, level: str, subject: str, score: float, seq: int, cues: Collection[str] = ()) -> bool:
    """Whether to start asking on the reply to a message read at `level` about `subject` with `score` and `cues`
    (a `faint` reading is not asked about: inference/types.py FAINT)."""
    if level != "indicator" or subject != "self" or score < ASK_AT or FAINT in cues:
        return False
    if state is None:
        return True
    return state.status != ASKING and state.ended_seq is not None and seq - state.ended_seq >= AGAIN_AFTER_MESSAGES


def start(*, seq: int, message_id: str, language: str, said: Collection[str] = ()) -> tuple[State, Turn]:
    """Start asking; `said`: the fingerprints of what the conversation has heard (inference/dialogue/state.py)."""
    state = State(step="thoughts", language=language, started_seq=seq, last_message_id=message_id)
    text = _joined(_pick(language, "lead", message_id, said) if language == "zh" else "",
                   _pick(language, "ask.thoughts", message_id, said))
    turn = Turn("ask", text)
    return replace(state, last_turn=_turn_dict(turn)), turn


def answered(state: State, *, text: str, seq: int, message_id: str, said: Collection[str] = ()) -> tuple[State, Turn]:
    """The state after the person's message `text` answered the question asked last, and what to say (never a
    sentence in `said`, where there is another)."""
    answer = answer_of(text)
    if answer == "unclear" and (moved_on(text) or asks_back(text)):
        state = replace(state, status=STOPPED, ended_seq=seq)
        turn = Turn("stopped")
    else:
        answers = {**state.answers, state.step: answer}
        ids = {**state.answer_ids, state.step: message_id}
        level = LEVEL_IF_YES[state.step] if answer == "yes" else None
        following = _next_step(state.step, answers)
        language = state.language
        if following is None:
            closing = {"yes": "done_yes", "unclear": "done_unclear"}.get(answers.get("thoughts", ""), "done_no")
            opening = _pick(language, "yes", message_id, said) if answer == "yes" and state.step == "thoughts" else ""
            turn = Turn("answered", _joined(opening, _pick(language, closing, message_id, said)), level)
            state = replace(state, status=DONE, answers=answers, answer_ids=ids, ended_seq=seq)
        else:
            ack = _pick(language, "yes" if answer == "yes" and state.step == "thoughts" else "no", message_id, said)
            turn = Turn("answered", _joined(ack, _pick(language, f"ask.{following}", message_id, said)), level)
            state = replace(state, step=following, answers=answers, answer_ids=ids)
    return replace(state, last_message_id=message_id, last_turn=_turn_dict(turn)), turn


def repeated(state: State) -> Turn:
    """The turn already taken for the last message (its task ran again)."""
    return Turn(**state.last_turn)


def _next_step(step: str, answers: dict[str, str]) -> str | None:
    """The question after `step`: none after a "no" or "unclear" to thoughts; otherwise each in turn."""
    if step == "thoughts" and answers.get("thoughts") != "yes":
        return None
    index = STEPS.index(step) + 1
    return STEPS[index] if index < len(STEPS) else None


def summary(answers: dict[str, str]) -> str:
    """What a moderator reads at the top of a case, e.g. "screened: thoughts with method, no intent, no plan"."""
    if not answers:
        return ""
    thoughts = answers.get("thoughts")
    if thoughts == "no":
        return "screened: no thoughts of suicide"
    if thoughts != "yes":
        return "screened: no clear answer about thoughts of suicide"
    parts = ["thoughts" + {"yes": " with method", "no": " without method"}.get(answers.get("method", ""), "")]
    for step, yes, no in (("intent", "intent", "no intent"), ("plan", "plan", "no plan"),
                          ("preparation", "recent preparation or attempt", "no recent preparation")):
        if step in answers:
            parts.append({"yes": yes, "no": no}.get(answers[step], f"{step} unclear"))
    unasked = [step for step in STEPS[1:] if step not in answers]
    text = "screened: " + ", ".join(parts)
    return text + (f" (stopped before {unasked[0]})" if unasked else "")


def helper_text(text: str, message_id: str) -> str:
    """The reply to someone worried about another person, in the language they wrote in."""
    return _pick(language_of(text), "helper", message_id)


def language_of(text: str) -> str:
    return detect(text)


@cache
def texts() -> dict:
    with TEXTS.open("rb") as handle:
        return tomllib.load(handle)


def _pick(language: str, key: str, message_id: str, said: Collection[str] = ()) -> str:
    """One of the texts at `key`: chosen by the message, so a task that runs twice says the same thing, and
    the first in turn whose sentences the conversation has not heard yet (`said`: their fingerprints)."""
    node = texts()[language]
    for part in key.split("."):
        node = node[part]
    start = sum(message_id.encode()) % len(node)
    options = [node[(start + i) % len(node)] for i in range(len(node))]
    return next((text for text in options if not any(sentence_key(s) in said for s in sentences(text))), options[0])


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part) if not any(scripts.mostly_chinese(p) for p in parts if p) \
        else "".join(parts)


def _turn_dict(turn: Turn) -> dict:
    return {"kind": turn.kind, "text": turn.text, "level": turn.level}
