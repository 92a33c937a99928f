"""The dialogue manager's two steps around a reply: before it, what the message is and what the reply is to do
(`prepare`); after it, the conversation's new state (`after`). The reply backends realise the plan in between."""

from __future__ import annotations

import re

from inference.dialogue import language, policy
from inference.dialogue.policy import Prepared
from inference.dialogue.library import SLOTS, Library
from inference.dialogue.state import DialogueState, advanced, sentence_key, sentences
from inference.dialogue.understanding import Understanding, said_of_others, understand
from inference.types import Emotion

# The emotion groups whose strong reading asks the reply to stay with the feeling, and how strong is strong.
HEAVY_GROUPS = ("sadness", "fear", "anger", "disgust")
STRONG_AT = 0.5
# A reading the reply answers as a feeling: its top label at least this sure, and a feeling rather than a stance.
# "Absolutely. This has put me in a tight spot" reads as approval (joy's group) at 0.21, "yes your good" as
# approval, a question as curiosity: answered as joy or surprise they get "that's great to hear". Read as neutral,
# the reply follows what was said. Confusion is GoEmotions' reading of "I don't know what to do anymore": filed under
# surprise, it drew replies about unexpected news; the reply follows what was said instead. Nor is a laugh: in a
# hard conversation "lol" softens ("she told me to eat properly lol" about a grandmother who died), and "it sounds
# like you're feeling amused" would answer the softener instead of what it softens.
FELT_AT = 0.3
STANCES = frozenset({"approval", "disapproval", "admiration", "caring", "desire", "curiosity", "realization",
                     "confusion", "amusement"})


def prepare(text: str, *, emotion: Emotion | None, state: DialogueState, library_of, tie: str = "") -> Prepared:
    """`library_of(language)` gives the reply library of a language; `tie` is the person's interface language,
    which decides when the message says nothing in either language (else the conversation's language does)."""
    spoken = language.detect(text, tie=tie or state.language)
    library: Library = library_of(spoken)
    understanding = understand(text, language=spoken, feelings=library.feelings, first=state.turns == 0)
    slots = slot_values(understanding, emotion, library, state=state, text=text)
    # A short answer's own reading says little ("no" often reads as anger): only a message with something in it.
    strong = bool(emotion and emotion.group in HEAVY_GROUPS and emotion.labels
                  and emotion.labels[0].score >= STRONG_AT and not understanding.short)
    plan = policy.choose(state, understanding, strong=strong)
    words = () if understanding.feelings else tuple(sorted(set(filter(None, library.labels.values()))))
    return Prepared(understanding, plan, slots, feeling_words=words)


def felt(emotion: Emotion | None) -> Emotion | None:
    """The reading as the reply answers it: None when there is no feeling in it to answer (see FELT_AT)."""
    if not emotion or not emotion.labels or emotion.group in ("neutral", "none"):
        return None
    top = emotion.labels[0]
    return emotion if top.score >= FELT_AT and top.label not in STANCES else None


def slot_values(understanding: Understanding, emotion: Emotion | None, library: Library,
                state: DialogueState | None = None, text: str = "") -> dict[str, str]:
    """The person's own words for the slots: the first person and topic they named, and the feeling they named
    (else the phrase of the feeling read, when one was read clearly and `text` does not say it only of someone
    else: "everyone will be disappointed" is no "you're feeling disappointed"). A question to the assistant that
    names no one ("what should I do?") is about what came before: the person and topic named last."""
    emotion = felt(emotion)
    label = emotion.labels[0].label if emotion else "neutral"
    neutral = library.labels.get("neutral", "")
    feeling = understanding.feelings[0] if understanding.feelings else library.labels.get(label, neutral)
    if not understanding.feelings and feeling and said_of_others(text, feeling, understanding.language):
        feeling = neutral
    person = understanding.people[0] if understanding.people else ""
    topic = understanding.topics[0] if understanding.topics else ""
    if understanding.asks and state is not None and not (person or topic):
        person = state.people[-1] if state.people else ""
        topic = state.topics[-1] if state.topics else ""
    return {"person": person, "topic": topic, "feeling": feeling}


def entry_keys(entry: str) -> tuple[str, ...]:
    """The fingerprints of a library entry's sentences, its slots left empty, as `said_keys` makes them for the
    sentences of a reply."""
    for slot in SLOTS:
        entry = entry.replace(slot, "")
    return tuple(sentence_key(sentence) for sentence in sentences(entry))


def said_keys(reply: str, slots: dict[str, str]) -> tuple[str, ...]:
    """The fingerprints of a reply's sentences with the person's words taken out, as `entry_key` makes them for
    the library's: "It sounds like you feel lonely." and "It sounds like you feel lost." are one entry."""
    keys = []
    values = sorted(filter(None, slots.values()), key=len, reverse=True)
    for sentence in sentences(reply):
        for value in values:
            sentence = re.sub(_whole(value), "", sentence)
        keys.append(sentence_key(sentence))
    return tuple(keys)


def after(state: DialogueState, prepared: Prepared, reply: str) -> DialogueState:
    """The state once `reply` answered the prepared message."""
    feeling = prepared.slots.get("feeling", "")
    # Fingerprinted with the person's words taken out (an entry with slots) and as said (an entry without any, whose
    # own words may happen to be a slot's value: "before the work even begins" when the topic is "work").
    said = said_keys(reply, prepared.slots) + said_keys(reply, {})
    # The reply may have said a feeling of the library's own choosing for {feeling}: fingerprinted without it too.
    for word in prepared.feeling_words:
        if word != feeling and _said_in(word, reply):
            said += said_keys(reply, {**prepared.slots, "feeling": word})
            feeling = feeling if feeling and _said_in(feeling, reply) else word
    return advanced(state, prepared.understanding, phase=prepared.plan.phase, strategy=prepared.plan.strategy,
                    said=said, reflected=feeling if feeling and feeling in reply else "")


def _said_in(value: str, text: str) -> bool:
    return re.search(_whole(value), text) is not None


def _whole(value: str) -> str:
    # Whole words in English ("work" is not in "network"); Chinese has no spaces to mark words.
    return rf"(?<!\w){re.escape(value)}(?!\w)" if value.isascii() else re.escape(value)
