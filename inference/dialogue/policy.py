"""Which support strategy a reply uses, and the parts it is made of, from where the conversation is.

The order follows how skilled supporters work (ESConv, Liu et al. 2021): explore first (questions, saying back
what was heard), stay with strong feelings (reflection, affirmation), and only once the situation is clear offer
possible steps (suggestions, information). A goodbye is answered with a close, never a question; a greeting is
answered as one only on the first turn; a short answer ("ok", "no", "I don't know") is taken, then the
conversation moves on as its phase says. No strategy is used three times running.

Two questions are answered whatever the phase. Asked for ideas ("any suggestions?", "我该怎么办？"), a supporter
offers one, gently, after saying back what they heard when there is something to say back; asked again ("any
other ideas?"), another one, after a word of affirmation rather than the same saying back. Asked about itself
("how are you?", "have you ever felt like this?"), the assistant says honestly what it is, an assistant with no
life of its own to report, then turns back to the person.

Panic happening as the person writes ("I can't breathe") is answered with one calm grounding step, whatever the
phase; "is it normal to feel this way?" with a plain yes, it is common, then a question.

A plan's `parts` name library entries (docs/replies.md): "turn:<kind>", "reflection", "restatement",
"affirmation", "question", "suggestion", "information", "answer:<ask>". Its `strategy` is the one stored on the reply.
"""

from __future__ import annotations

from dataclasses import dataclass

from inference.dialogue.asks import ABOUT_ME, GROUNDING, NORMAL, SUGGESTION
from inference.dialogue.state import DialogueState
from inference.dialogue.understanding import Understanding

STRATEGIES = ("question", "restatement", "reflection", "self_disclosure", "affirmation", "suggestion", "information",
              "other")
# Substantive messages before the assistant offers steps unasked: enough to have heard what is going on and to have
# stayed with it (in ESConv, skilled supporters' suggestions are rare before the fifth exchange and peak after it).
SUGGEST_AFTER = 5
# Substantive messages after which exploring makes room for comfort (ESConv: from the third exchange on,
# affirmation is the supporters' most common move).
COMFORT_AFTER = 2
# Facts help sparingly (skilled supporters give information in about one turn in fifteen, ESConv): one in this many.
INFORMATION_EVERY = 10
# Short turns answered with their own entry and nothing else.
COMPLETE_TURNS = ("goodbye", "greeting", "greeting_again", "emoji")
# Of those, the ones whose entries end with an open question (docs/replies.md, "Short turns"): a welcome asks what
# is going on, an emoji asks what is behind it.
ASKING_TURNS = ("greeting", "emoji")


@dataclass(frozen=True)
class Plan:
    strategy: str
    parts: tuple[str, ...]
    phase: str  # the conversation's phase after this reply


@dataclass(frozen=True)
class Prepared:
    """A message made ready for a reply (dialogue/manager.py): what it is, the plan, and the slots' values."""

    understanding: Understanding
    plan: Plan
    slots: dict[str, str]  # what {person}, {topic} and {feeling} say in this reply ("" when nothing was named)
    # The library's words for the feelings it reads, any of which a reply may say for {feeling} when the person
    # named none (the curated backend reflects the feeling a situation carries): taken out of the reply's
    # fingerprints like the slots' own values.
    feeling_words: tuple[str, ...] = ()


def choose(state: DialogueState, understanding: Understanding, *, strong: bool) -> Plan:
    """The plan for answering `understanding` in a conversation at `state`. `strong`: the message carries strong
    feelings. Someone or something named for the first time is said back before anything else."""
    kind = understanding.kind
    if kind == "goodbye":
        return Plan("other", ("turn:goodbye",), "closing")
    if kind in COMPLETE_TURNS:
        strategy = "question" if kind in ASKING_TURNS else "other"
        return Plan(strategy, (f"turn:{kind}",), "opening" if state.substantive == 0 else state.phase)
    if kind == "own_step":
        # "I guess I could call my sister": the person's own idea is affirmed as theirs, then a question.
        return Plan("affirmation", ("turn:own_step", "question"), state.phase if state.substantive else "opening")
    if kind in ("thanks", "relief", "accepts", "bot", "human"):
        # Thanks; relief ("I feel a bit better now") or a yes to an idea ("that's a good idea", "I'll think about
        # it") taken as such; or an honest answer about who is here. Then the door stays open.
        return Plan("other", (f"turn:{kind}", "question"), state.phase if state.substantive else "opening")
    if kind == "about_me":
        # An honest word about what the assistant is, then the phase's own move, back to the person: its question,
        # or its comfort; ideas only when they were asked for.
        last = _core(state, strong=False, can_restate=False).parts[-1]
        last = last if last in ("question", "affirmation") else "question"
        # Stored as the move it makes for the person (a question, or comfort), as supporters' replies are labelled.
        return Plan(last, ("turn:about_me", last), state.phase if state.substantive else "opening")
    if GROUNDING in understanding.asks:
        # Panic as the person writes: one calm step for the next minute, with a check on how they are, whatever the
        # phase (a question about what sets the worry off can wait until the breath is back).
        return Plan("suggestion", ("answer:grounding",), "comforting")
    if NORMAL in understanding.asks:
        # "Is it normal to feel angry?": yes, plainly, then back to the person.
        return Plan("affirmation", ("answer:normal", "question"), state.phase if state.substantive else "exploring")
    if SUGGESTION in understanding.asks:
        return _suggested(state, understanding)
    known = set(state.people) | set(state.topics)
    fresh = any(named not in known for named in (*understanding.people, *understanding.topics))
    can_restate = not understanding.short and (fresh or bool(understanding.feelings))
    core = _core(state, strong=strong, can_restate=can_restate)
    if fresh and not understanding.short and core.parts[0] == "reflection":
        core = Plan(core.strategy, ("restatement", *core.parts[1:]), core.phase)
    if kind:
        # "ok", "yes", "no", "I don't know": take the answer in a few words, then the phase's own move, shorter.
        return Plan(core.strategy, (f"turn:{kind}", core.parts[-1]), core.phase)
    if ABOUT_ME in understanding.asks:
        # "I've been so low since the divorce. Have you ever felt like this?": the honest answer first, then the
        # move for what was said, kept to two parts.
        return Plan(core.strategy, ("turn:about_me", *core.parts[-2:]), core.phase)
    return core


def _suggested(state: DialogueState, understanding: Understanding) -> Plan:
    """The plan for a request for ideas: a suggestion, after saying back who or what the person named (in this
    message or before it; manager.slot_values fills the slots) or else a word of affirmation. Right after a
    suggestion, asked again: another idea after an affirmation (what was asked for is given)."""
    about = ("turn:about_me",) if ABOUT_ME in understanding.asks else ()
    if state.last_strategy == "suggestion":
        return Plan("suggestion", (*about, "affirmation", "suggestion"), "suggesting")
    if about:  # "how did you get through it?": what the assistant is, then an idea
        return Plan("suggestion", (*about, "suggestion"), "suggesting")
    named = any((understanding.people, understanding.topics, state.people, state.topics))
    lead = "restatement" if named and state.last_strategy != "restatement" else "affirmation"
    return Plan("suggestion", (lead, "suggestion"), "suggesting")


def _core(state: DialogueState, *, strong: bool, can_restate: bool) -> Plan:
    """The move for a message with something to say."""
    heard = state.substantive  # substantive messages before this one
    recent = state.strategies[-2:]
    if heard == 0:
        return Plan("question", ("reflection", "question"), "exploring")
    if strong and recent.count("affirmation") < 2:
        # Strong feelings: stay with them before anything else; ask again only every other turn.
        asked_last = state.last_strategy in ("question", "restatement")
        parts = ("reflection", "affirmation") if asked_last else ("reflection", "affirmation", "question")
        return Plan("affirmation", parts, "comforting")
    if heard < SUGGEST_AFTER:
        if can_restate and recent.count("restatement") < 1:
            return Plan("restatement", ("restatement", "question"), "understanding")
        if heard >= COMFORT_AFTER and "affirmation" not in recent:
            return Plan("affirmation", ("reflection", "affirmation", "question"), "comforting")
        if recent.count("question") < 2:
            return Plan("question", ("reflection", "question"), "exploring")
        return Plan("reflection", ("reflection", "affirmation"), "understanding")
    # The situation is known: steps, comfort and questions in turn. A step the person answers is built on with
    # one more idea (skilled supporters rarely leave a suggestion at one, ESConv); after two, now and then a fact,
    # at most once in INFORMATION_EVERY replies, then comfort or a question; never the same move three times running.
    if state.last_strategy == "suggestion":
        if recent.count("suggestion") < 2:
            return Plan("suggestion", ("reflection", "suggestion"), "suggesting")
        if "information" not in state.strategies[-INFORMATION_EVERY:]:
            return Plan("information", ("information", "question"), "suggesting")
    for plan in (Plan("suggestion", ("affirmation", "suggestion"), "suggesting"),
                 Plan("affirmation", ("reflection", "affirmation", "question"), "comforting"),
                 Plan("question", ("restatement" if can_restate else "reflection", "question"), "exploring")):
        if plan.strategy not in recent:
            return plan
    return Plan("question", ("reflection", "question"), "exploring")
