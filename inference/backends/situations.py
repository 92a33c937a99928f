"""What a curated reply is about: the situation of the library (loneliness, grief, a betrayal…) whose entries it
says, read from the message and from the conversation around it.

English messages are matched by MiniLM similarity to each situation's examples (the detected emotion breaking
near-ties), Chinese ones by the situation's keywords. A conversation keeps its situation through the details of a
story: what the assistant's last replies were about and the person's last messages are weighed with the message
itself, and only a plain new situation, or a new person or topic that clearly fits one, moves it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from inference.dialogue import manager
from inference.dialogue.asks import SUGGESTION
from inference.dialogue.library import Library, Situation
from inference.dialogue.policy import Prepared
from inference.dialogue.understanding import PEOPLE_ZH, people_of, topics_of

# Cosine similarity (MiniLM) from which a message is taken to be about a situation, and by how much it must beat
# the next situation. Measured on paraphrases of the examples (0.55-0.8, well ahead of the next) and on everyday
# asides that must not match ("I'm on the train, bad signal": 0.53, "my friend said she'd come with me": 0.46,
# each barely ahead of a second guess). A message about no situation gets the emotion group's entries.
MATCH_AT = 0.55
MATCH_MARGIN = 0.05
# A bare feeling of a few words ("I'm scared") takes a situation only on a close match.
BARE_WORDS, BARE_MATCH_AT = 5, 0.7
# A situation that usually comes with the detected emotion gets this much more.
GROUP_BONUS = 0.05
# A conversation that has been about one situation moves to another only on a match this close (a new situation
# said plainly: "and now I've lost my job too"); a weaker one is a detail of the same story.
SWITCH_AT = 0.8
# ...or on a new person or topic in a message that clearly fits another ("and my sister won't speak to me"): a person
# named in passing ("I haven't told my partner" about the rent) is still the same story.
FRESH_AT = 0.7
# How the conversation's situation is weighed (`_ongoing`): a message's match counts by how far it is above the
# floor, a reply of the assistant's by REPLY_WEIGHT, each less by DECAY per message of age; the message being
# answered, when it matches only loosely, counts CURRENT_SHARE of its weight.
ONGOING_FLOOR, ONGOING_DECAY, CURRENT_SHARE, REPLY_WEIGHT = 0.5, 0.85, 0.5, 0.2
# A message shorter than this, naming no one and no topic, is read with the one before it to find its situation.
FOLLOW_UP_WORDS = 12
# A request for ideas that names nothing ("what should I do?"), when the replies say nothing of a situation, is
# read with this many of the person's messages before it.
IDEAS_FROM = 4

Match = tuple[Situation | None, float]


def _with_context(text: str, before: str, *, language: str) -> str:
    """What a message's situation is read from: the message, with the one before it when it is a brief follow-up
    naming no one and no topic of its own (Chinese, written without spaces, counted as two characters a word)."""
    words = len(text) // 2 if language == "zh" else len(text.split())
    named = people_of(text, language) or topics_of(text, language)
    if before and text and words < FOLLOW_UP_WORDS and not named:
        return f"{before} {text}"
    return text


def _keyword_weight(word: str) -> float:
    """How much a Chinese keyword found says of a situation: a longer one more than a shorter one (没考上 more than
    考研), and a person ("男朋友", "同事") half as much as an event ("出轨")."""
    return len(word) / 3 * (0.5 if word.removeprefix("我") in PEOPLE_ZH else 1.0)


class SituationReader:
    """Reads situations for the libraries of each language; `embed` is the MiniLM encoder (normalised vectors)."""

    def __init__(self, libraries: dict[str, Library], embed: Callable[[Sequence[str]], np.ndarray]):
        self.embed = embed
        english = libraries["en"].situations
        self.english = english
        self.groups = {s.name: s.groups for s in english}
        self.owner = np.array([i for i, s in enumerate(english) for _ in s.examples])
        self.examples = embed([example for s in english for example in s.examples])
        # Which situation each sentence of the library belongs to: what the assistant's own replies were about. Not
        # the greeting's or the thanks' (`reflect = false`): a welcome is no story to stay in.
        self.keys = {
            language: {key: s.name for s in library.situations if s.reflect
                       for entry in (*s.bodies, *s.questions, *s.restatements, *s.suggestions, *s.information)
                       for key in manager.entry_keys(entry)}
            for language, library in libraries.items()}

    def scores(self, text: str, group: str) -> np.ndarray:
        """Each English situation's match to `text`: its closest example's cosine similarity, plus GROUP_BONUS
        when the situation usually comes with the detected emotion group."""
        similarity = self.examples @ self.embed([text])[0]
        best = np.full(len(self.english), -1.0)
        np.maximum.at(best, self.owner, similarity)
        bonus = np.array([GROUP_BONUS if group in s.groups else 0.0 for s in self.english])
        return best + bonus

    def of(self, text: str, group: str, library: Library, *, first: bool) -> Situation | None:
        """The situation a message is about, or None. The greeting is one only in a first message, the thanks
        never: short turns answer those (inference/dialogue/turns.py)."""
        return self.match(text, group, library, first=first)[0]

    def match(self, text: str, group: str, library: Library, *, first: bool) -> Match:
        """`of`, with how closely the message matches it (English: the similarity with the bonus; Chinese: the
        weight of its keywords found, at most 1.0, `_keyword_weight`)."""
        text = text.strip()[:2000]
        if not text:
            return None, 0.0
        allowed = np.array([s.reflect or (first and s.name == "greeting") for s in library.situations])
        if library.language != "en":
            scores = np.array([sum(text.count(word) * _keyword_weight(word) for word in s.keywords)
                               for s in library.situations])
            scores[~allowed] = 0
            best = int(np.argmax(scores))
            return (library.situations[best], min(1.0, float(scores[best]))) if scores[best] > 0 else (None, 0.0)
        scores = np.where(allowed, self.scores(text, group), -1.0)
        second, best = np.argsort(scores)[-2:] if len(scores) > 1 else (0, 0)
        # A bare feeling ("I'm scared", "I feel sad") names no situation: one is taken only on a close match ("I'm so
        # lonely" is loneliness; "I'm scared" is not a worry about health).
        bare = len(text.split()) <= BARE_WORDS and not (people_of(text, "en") or topics_of(text, "en"))
        needed = BARE_MATCH_AT if bare and library.situations[best].reflect else MATCH_AT
        clear = scores[best] >= needed and (best == second or scores[best] - scores[second] >= MATCH_MARGIN)
        return (library.situations[best], float(scores[best])) if clear else (None, 0.0)

    def about(self, text: str, earlier: list[str], recent: list[str], replies: list[str], prepared: Prepared,
              group: str, library: Library, *, first: bool, known: tuple[str, ...]) -> Situation | None:
        """What the reply to `text` is about. `earlier`: the person's message before it with something in it;
        `recent` and `replies`: the person's and the assistant's last messages, newest first; `known`: the people
        and topics named before.

        The situation the conversation has been about (`_ongoing`, this message counting as the newest), unless
        this message plainly names another (SWITCH_AT) or brings up someone or something new that fits one. "she
        told me to eat properly lol", two messages after "my grandma died last week", is still grief, not a regret;
        "I miss her so much" after a loose match on regret is grief again. A request for ideas that names none
        ("what should I do?") is about what the conversation has been about; one that names its own ("should I
        talk to HR?") about that."""
        about = _with_context(text, earlier[0] if earlier else "", language=library.language)
        if SUGGESTION in prepared.understanding.asks and about != text:
            joined = " ".join([*reversed(recent[:IDEAS_FROM]), text])
            return (self.of(text, group, library, first=False)
                    or self._ongoing(None, recent, replies, group, library)
                    or self.of(joined, group, library, first=False))
        own = self.match(about, group, library, first=first) if about else (None, 0.0)
        if about != text and text:  # a brief follow-up that is clearly about something on its own
            own = max(own, self.match(text, group, library, first=first), key=lambda found: found[1])
        named = (*prepared.understanding.people, *prepared.understanding.topics)
        fresh = any(item not in known for item in named)
        fresh_at = FRESH_AT if library.language == "en" else MATCH_AT  # keyword weights are on a scale of their own
        if own[0] is not None and (own[1] >= SWITCH_AT or fresh and own[1] >= fresh_at):
            return own[0]  # a new person or topic, or a plain new situation: what the person has just brought up
        if own[0] is None and not (len(recent) > 1 and ("suggestion" in prepared.plan.parts or not fresh)):
            return None  # a message naming something new that fits no situation: its own words are said back
        return self._ongoing(own, recent, replies, group, library)

    def _ongoing(self, current: Match | None, messages: list[str], replies: list[str], group: str,
                 library: Library) -> Situation | None:
        """The situation the conversation has been about. Each of the person's last messages (`messages`, newest
        first) read on its own counts by how far its match is above ONGOING_FLOOR, and each of the assistant's last
        replies (`replies`) REPLY_WEIGHT for the situation its sentences came from, both less the older they are
        (ONGOING_DECAY); this message's own loose match (`current`) counts CURRENT_SHARE of its weight. So a detail
        that reads loosely as something else ("I keep replaying the last time we talked" after "my grandpa died")
        stays in the story."""
        weights: dict[str, float] = {}

        def add(name: str, weight: float) -> None:
            # A Chinese match on a person's word alone (weight under the floor) says nothing either way.
            weights[name] = weights.get(name, 0.0) + max(0.0, weight)

        if current is not None and current[0] is not None:
            add(current[0].name, (current[1] - ONGOING_FLOOR) * CURRENT_SHARE)
        for age, message in enumerate(messages, start=1):
            found, score = self.match(message, group, library, first=False)
            if found is not None:
                add(found.name, (score - ONGOING_FLOOR) * ONGOING_DECAY ** age)
        keys = self.keys[library.language]
        for age, reply in enumerate(replies, start=1):
            for name in {keys[key] for key in manager.said_keys(reply, {}) if key in keys}:
                add(name, REPLY_WEIGHT * ONGOING_DECAY ** age)
        # Good news is a moment, not a story: "I barely sleep" after "I had a baby" is no reason to celebrate.
        for name in [name for name in weights if name != (current[0].name if current and current[0] else "")
                     and "joy" in self.groups[name]]:
            del weights[name]
        if not weights:
            return None
        best = max(weights, key=weights.__getitem__)
        return next(s for s in library.situations if s.name == best)
