"""Weak labels for the crisis posts: which r/SuicideWatch posts describe behaviour or imminent danger.

The crisis data says only where a post was written. A post from r/SuicideWatch is `ideation` by default; it is
`behavior` when its writer says, in the first person, that they have the means, a plan, a note or goodbye, that
they harm themselves, or that they attempted before; `imminent` when that is stated for now (tonight, right now,
in progress). These are regexes over the writer's own words, so they miss what is said indirectly and mislabel
some posts ("I bought a rope for camping"); they are weak labels, and the model card says so.

The rule-based safety net is a second reader: when it reads `behavior` or `imminent` about the writer
(`self_harm`), the post is at least `behavior`. Only these regexes say `imminent`: the net reads "I took 20 pills"
as imminent whether it was tonight or last year.

Whose risk: a post whose only risk language is about someone else ("my brother tried to kill himself") has no
known subject (None), and its level is still the subreddit's; otherwise the subject is the writer (`self`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inference import safety_net
from inference.types import risk_rank

# The writer, with the few words that may sit between "I" and the verb ("I've finally bought", "I just took").
# No wildcard word: "I don't", "I never" must not match.
I = (r"\bi(?:'ve|'m|'d|'ll|\s+have|\s+had|\s+am|\s+was)?"
     r"(?:\s+(?:just|already|finally|recently|also|even|actually|literally|secretly|then|now|been|have|had))*")
MEANS = (r"(?:pills|tablets|meds|medications?|sleeping\s+pills|painkillers|tylenol|paracetamol|acetaminophen|"
         r"rope|noose|gun|pistol|rifle|shotgun|bullets?|razors?|razor\s+blades?|blades?|knife|knives|charcoal|"
         r"poison|bleach|helium|insulin|antifreeze)")
QUANTITY = (r"(?:(?:a|an|the|some|enough|my|all\s+(?:of\s+)?(?:my|the)|\d+|(?:a|the)\s+(?:whole\s+|full\s+|entire\s+)?"
            r"(?:bottle|bunch|box|stash|pile|handful|bag|pack)\s+of|bottles\s+of)\s+)?(?:\w+\s+)?")
SELF_ACT = (r"(?:kill\s+myself|end\s+(?:my\s+life|it\s+all|it|things|everything)|suicide|commit\s+suicide|"
            r"hang\s+myself|overdose|od)")
NOW = (r"(?:tonight|right\s+now|today|this\s+(?:evening|morning|afternoon|weekend)|in\s+(?:a\s+few|an?|\d+)\s+"
       r"(?:minutes?|hours?)|minutes\s+ago|an\s+hour\s+ago|as\s+i\s+(?:write|type)\s+this|"
       r"(?:as\s+soon\s+as|after|once)\s+i\s+(?:post|send|hit\s+send\s+on|finish)\s+this)")
# A negation in the few words before a match cancels it: "I have never tried to", "if I don't have a plan".
NEGATED = re.compile(r"\b(?:not|never|won'?t|wouldn'?t|don'?t|didn'?t|can'?t|haven'?t|no|if|without)\b[^.]{0,30}$")

# (reason, pattern) pairs; a post is `behavior` when one matches in a sentence without a negation.
BEHAVIOR = (
    ("means", rf"{I}\s+(?:bought|ordered|saved|stockpiled|hoarded|collected|stashed|hid|hidden|been\s+saving|"
              rf"been\s+collecting|been\s+stockpiling|been\s+hoarding)\s+(?:up\s+)?{QUANTITY}{MEANS}\b"),
    ("means", rf"{I}\s+(?:have|got|own)\s+(?:a|the|my)\s+(?:\w+\s+)?(?:rope|noose|gun|pistol|rifle|shotgun)\b"
              rf"|{I}\s+(?:have|got)\s+(?:enough|a\s+(?:bottle|stash|pile|handful)\s+of)\s+(?:\w+\s+)?"
              rf"(?:pills|tablets|meds)\b|\b(?:tied|made|tying)\s+(?:a|the)\s+noose\b"),
    ("plan", rf"{I}\s+(?:have|made|got|came\s+up\s+with|worked\s+out|figured\s+out)\s+(?:a|my|the)\s+(?:\w+\s+)?plan\b"
             rf"|\bmy\s+plan\s+is\s+to\b|{I}\s+(?:planned|picked|chose|set|decided\s+on)\s+(?:a|the|my)\s+"
             rf"(?:date|day|time|method|place|spot)\b|{I}\s+(?:know|decided|figured\s+out)\s+(?:exactly\s+)?"
             rf"(?:how|when|where)\s+(?:i'?(?:ll|m\s+going\s+to|m\s+gonna)|i\s+will|to)\s+(?:do\s+it|{SELF_ACT}|die)"),
    ("goodbye", rf"\b(?:suicide|goodbye|farewell)\s+(?:note|letter)s?\b|{I}\s+(?:wrote|written|writing|write)\s+"
                rf"(?:a|my|the|some)?\s*(?:final|last|goodbye|farewell)\s+(?:notes?|letters?)\b|{I}\s+(?:wrote|written)"
                rf"\s+(?:notes|letters)\s+(?:to|for)\s+(?:everyone|my\s+family|my\s+parents|my\s+friends)\b"
                rf"|{I}\s+(?:gave|given|giving)\s+away\s+(?:all\s+)?(?:of\s+)?my\b|{I}\s+said\s+(?:my\s+)?goodbyes\b"),
    ("self_harm", rf"{I}\s+(?:cut|cutting|burn(?:ed|t|ing)?|hurt|hurting|harm(?:ed|ing)?|starv(?:ed|ing)|"
                  rf"punch(?:ed|ing)|hit|hitting)\s+myself\b|\bi\s+self[- ]?harm(?:ed)?\b"
                  rf"|\bi\s+relapsed\s+(?:on|into|and)\s+(?:self[- ]?harm|cutting|cut)"),
    ("attempt", rf"{I}\s+(?:tried|attempted|try)\s+(?:to\s+)?{SELF_ACT}\b|\bmy\s+(?:first|second|third|last|previous|"
                rf"latest|suicide|failed)\s+attempts?\b|{I}\s+(?:overdosed|od'?d)\b|\b(?:survived|after)\s+"
                rf"(?:my|a|an)\s+(?:suicide\s+)?attempt\b|{I}\s+(?:took|swallowed)\s+{QUANTITY}"
                rf"(?:pills|tablets|meds|painkillers)\b"),
)
IMMINENT = (
    rf"{I}\s+(?:took|swallowed|taken)\s+{QUANTITY}(?:pills|tablets|meds|painkillers|medication)\b.*\b{NOW}",
    rf"\bi\s+(?:just|already)\s+(?:took|swallowed)\s+{QUANTITY}(?:pills|tablets|meds|painkillers|medication)\b",
    rf"\b(?:this\s+is\s+(?:my\s+)?(?:goodbye|final\s+(?:post|message)|last\s+(?:post|message))|by\s+the\s+time\s+"
    rf"(?:you|anyone|someone)\s+(?:read|reads|see|sees)\s+this|(?:this\s+is|this\s+will\s+be|this\s+is\s+going\s+"
    rf"to\s+be)\s+my\s+last\s+(?:post|message)\b|\b(?:tonight|today)\s+is\s+the\s+(?:night|day)\b|my\s+last\s+"
    rf"(?:night|day)\s+(?:alive|on\s+(?:earth|this\s+\w+))|goodbye\s+(?:everyone|world|reddit))",
    rf"{I}\s*(?:'m|am)?\s*(?:standing|sitting)\s+(?:on|at)\s+(?:the\s+)?(?:ledge|bridge|roof|tracks|cliff|"
    rf"edge\s+of\s+(?:the|a)\s+(?:roof|bridge|building|cliff))\b",
    rf"\bi(?:'m|\s+am|'ll|\s+will)?\s+(?:really\s+|just\s+|finally\s+|definitely\s+|seriously\s+|so\s+)?"
    rf"(?:going\s+to|gonna|about\s+to|want\s+to|wanna|will|plan\s+to|planning\s+to|planning\s+on|ready\s+to)\s+"
    rf"(?:{SELF_ACT}|killing\s+myself|die|do\s+it|jump)\b.*\b{NOW}"
    rf"|\b{NOW}\b.*\b(?:i'?m|i\s+am|i'?ll|i\s+will)\s+(?:going\s+to\s+|gonna\s+)?(?:{SELF_ACT}|do\s+it|jump)\b"
    rf"|(?:\bi'?m|\bi\s+am)\s+(?:killing\s+myself|ending\s+(?:it|my\s+life))\b.*\b{NOW}",
    rf"(?:\bi'?m|\bi\s+am)\s+about\s+to\s+(?:{SELF_ACT}|jump)\b",
)
BEHAVIOR_RULES = tuple((reason, re.compile(pattern)) for reason, pattern in BEHAVIOR)
IMMINENT_RULES = tuple(re.compile(pattern) for pattern in IMMINENT)
SENTENCE = re.compile(r"[.!?\n]+")


@dataclass(frozen=True)
class WeakLabel:
    level: str
    subject: str | None  # None: not known
    reason: str = ""  # what made it behavior or imminent: means, plan, goodbye, self_harm, attempt, now, safety_net


def _sentences(text: str) -> list[str]:
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return [sentence for sentence in SENTENCE.split(text) if sentence.strip()]


def _said(rule: re.Pattern, sentence: str) -> bool:
    return any(not NEGATED.search(sentence[max(0, match.start() - 30):match.start()])
               for match in rule.finditer(sentence))


def label_post(text: str) -> WeakLabel:
    """The weak level and subject of an r/SuicideWatch post."""
    sentences = _sentences(text)
    if any(_said(rule, sentence) for sentence in sentences for rule in IMMINENT_RULES):
        return WeakLabel("imminent", "self", "now")
    for reason, rule in BEHAVIOR_RULES:
        if any(_said(rule, sentence) for sentence in sentences):
            return WeakLabel("behavior", "self", reason)
    net = safety_net.assess(text)
    self_level = net.level if net.categories[:1] == ("self_harm",) else "none"
    if risk_rank(self_level) >= risk_rank("behavior"):
        return WeakLabel("behavior", "self", "safety_net")
    if "third_party" in net.categories and "self_harm" not in net.categories:
        return WeakLabel("ideation", None)
    return WeakLabel("ideation", "self")

