"""The crisis safety net: rules that read every message in the web process, before it is acknowledged.

It needs no model and no worker, so a person who writes that they want to die sees help even when every
inference worker is down. It is a pure function of the text (well under a millisecond), in English and
Simplified Chinese, and it reads who is at risk and whether the words are meant:

- first person only: "I want to die" is ideation; "please don't kill yourself" (comforting someone) is not;
- negation: "I would never kill myself", "I'm not suicidal anymore", 我不想死 read as nothing;
- someone else: "my sister said she wants to die" is the `third_party` category at `indicator`, and at
  `imminent` when that person's life is in danger now ("my friend just took a bottle of pills");
- hyperbole: "this exam is killing me", "I could die of embarrassment" read as nothing, and a threat made
  with a laugh ("I'll kill myself if I fail lol") reads `indicator`, not `ideation`.

Besides a level, the net says which cues it is sure of (`Risk.cues`): an explicit first-person statement, a
negation, someone else, hyperbole, a joke, comfort to another. The trained model reads the message on a worker,
and inference/triage.py combines the two readings: the net keeps the last word on what it is sure of, the model
decides the rest (the decision table is in docs/moderation.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from inference.types import Risk, risk_rank

# Scores the net gives each level: it is sure of what it matched, and says so in proportion to the level.
SCORES = {"none": 0.0, "indicator": 0.5, "ideation": 0.9, "behavior": 0.95, "imminent": 0.99}
# What the net can be sure of (Risk.cues). "statement": the writer says it of themselves (ideation or above);
# "negated": such a statement is negated ("I would never kill myself"); "third_party": it is about someone else;
# "figurative": hyperbole ("this exam is killing me"); "joking": said with a laugh; "comfort": said to someone
# else ("please don't hurt yourself"); "context": raised by an earlier flagged message of the same person.
# "brief": a message of chat length, short enough for a cue above to cover all of it (in a long post, "I would never
# kill myself" in one sentence says nothing of the next); "unspoken": a message in English that names no death,
# dying, suicide, self-harm, means or the warning signs said without them (RISK_LANGUAGE): what the model alone
# reads in it is not enough to call it danger when it is brief, or when no passage of it says danger on its own.
CUES = ("statement", "negated", "third_party", "figurative", "joking", "comfort", "context", "brief", "unspoken")
# Under this many words a text is a chat message rather than a post: it says too little for the model's reading
# alone to stand for danger when it names none.
CHAT_WORDS = 40

# --- English building blocks -------------------------------------------------------------------------------
I = r"(?:\bi|\bim|\bi'm|\bive|\bi've|\bi'll|\bill|\bi'd|\bid|\bme|\bmy|\bmyself)"
SELF = r"(?:myself|my\s*self|me)"
# "blow my brains out", "blow everything out of my skull": shooting oneself said without the word.
BRAINS_OUT = r"blow\s+(?:\w+\s+){0,4}?(?:my\s+brains?\s+out|out\s+of\s+my\s+(?:skull|head))"
# Wanting to die said without the "I" that chat often drops, at the start of a clause: "still want to die",
# "wanna die". Only the plainest words: "need to end it" at a clause's start is as often about a relationship.
UNSAID_I = r"^\s*(?:(?:still|just|really|honestly|so|literally|seriously)\s+){0,3}"
END_LIFE = (rf"(?:die|be\s+dead|kill\s+{SELF}|end\s+(?:it\s+all|it|my\s+(?:own\s+)?life|everything|things)"
            rf"|take\s+my\s+(?:own\s+)?life|commit\s+suicide|not\s+(?:be\s+)?(?:alive|here)(?:\s+anymore)?"
            rf"|not\s+exist|disappear\s+forever|stop\s+living|hurt\s+{SELF}|harm\s+{SELF}|cut\s+{SELF}"
            rf"|shoot\s+{SELF}|hang\s+{SELF}|{BRAINS_OUT})")
END_LIFE_ING = (rf"(?:dying|being\s+dead|killing\s+{SELF}|ending\s+(?:it\s+all|it|my\s+(?:own\s+)?life|everything|things)"
                rf"|taking\s+my\s+(?:own\s+)?life|suicide|committing\s+suicide|not\s+being\s+(?:alive|here)|hurting\s+{SELF}"
                rf"|harming\s+{SELF}|cutting\s+{SELF}|jumping\s+(?:off|in\s+front))")
# Words that may sit between "I" and the verb: "I really just want to…", "I've honestly been thinking…".
ADV = (r"(?:am|have|had|would|do|did|really|just|honestly|seriously|kinda|kind\s+of|sometimes|often|still|been"
       r"|always|constantly|literally|actually|so|genuinely|even|keep|kept|can'?t\s+stop|cannot\s+stop)")
WANT = (r"(?:want(?:ing)?|wanna|need|have|going|gonna|plan(?:ning)?|intend|decided|ready|about|trying|tempted|wish(?:ing)?"
        r"|feel\s+like|would\s+rather|'d\s+rather|rather|urge)")
THINK = r"(?:think(?:ing)?|thought|considering|consider|fantasi[sz](?:e|ing)|dream(?:ing)?)(?:\s+(?:about|of))?"
NOW = r"(?:tonight|right\s+now|now|today|this\s+(?:evening|morning|afternoon|weekend)|in\s+(?:a\s+few|an)\s+(?:minutes?|hours?))"
PEOPLE = (r"(?:friend|bestie|bff|mate|brother|bro|sister|sis|mom|mum|mother|dad|father|son|daughter|cousin|aunt"
          r"|uncle|wife|husband|partner|boyfriend|girlfriend|bf|gf|roommate|classmate|colleague|coworker|kid|child"
          r"|neighbou?r|student|grandma|grandpa|grandmother|grandfather)")
OTHER = rf"(?:\bhe|\bshe|\bthey|\bmy\s+(?:\w+\s+)?{PEOPLE}s?|\bour\s+{PEOPLE}|\bsomeone\s+i\s+know)"
# "is" after a person, or its contraction: "she is", "she's", "they're".
IS = r"(?:\s+is|\s+are|'s|'re|s)"
OTHER_SELF = r"(?:himself|herself|themselves|themself)"
OVERDOSED = r"od'?d|o\.d\.'?d|overdosed|took\s+an\s+overdose"
# "I overdosed on coffee": what people overdo that is not a drug.
NOT_A_DRUG = r"(?:caffeine|coffee|sugar|chocolate|candy|sweets|netflix|tv|anime|games|cake|pizza|love)"
NEGATION = re.compile(
    r"(?:\bnot\b|\bnever\b|\bno\s+longer\b|\bnothing\b|n't\b|\bdont\b|\bdoesnt\b|\bdidnt\b|\bwont\b|\bwouldnt\b"
    r"|\bcant\b|\bisnt\b|\barent\b|\bwasnt\b|\bno\s+(?:intention|plans?|desire|wish)\b|\bstopped\b|\bwithout\b)"
    r"(?:\s+\S+){0,4}\s*$")
JOKING = re.compile(r"\b(?:lol+|lmf?ao+|haha\w*|hehe\w*|jk|j/k|kidding|joking|rofl)\b|😂|🤣|💀|😭😂|xd\b")
# Feeling oneself a burden, a warning sign said without the words: "I'm a burden", "I am alone, a burden".
# "I don't want to be a burden on them" is a worry, not this.
BURDEN = r"(?:'m|\bam|\bfeel\s+like|\bfeel|\bbecome)\s+(?:\w+,?\s+){0,2}?a\s+burden\b"
# Hope lost, said of oneself ("I have lost all hope", "no hope left"); "hopeless" alone is as often about a job
# search, and stays an indicator for the model to weigh.
HOPE_LOST = r"\blost\s+(?:all\s+)?(?:\w+\s+and\s+)?hope\b|\bno\s+hope\s+left\b"
HYPERBOLE = re.compile(
    r"\b(?:die|dying|died|dead)\s+(?:of|from)\s+(?:embarrass\w*|laugh\w*|boredom|cringe|shame|cuteness|excitement)"
    r"|\b(?:dying|died|dead)\s+(?:laughing|lol)|\bkilling\s+it\b|\bdying\s+to\s+(?:see|know|try|meet|go|get)\b"
    r"|\bdead\s+tired\b|\b(?:this|that|it|the|these|those|\w+ing)\s+(?:\w+\s+)?(?:is|was|are)\s+(?:going\s+to\s+|gonna\s+)?kill(?:ing)?\s+me\b"
    r"|\bkill\s+me\s+now\b")


@dataclass(frozen=True)
class Rule:
    level: str
    category: str
    pattern: re.Pattern
    script: str  # "en" or "zh"
    # Whether a negation before the match cancels it (an act already done cannot be negated away here).
    negatable: bool = True


# Patterns are written in lower case and run on lower-cased text: much faster than re.IGNORECASE.
def _en(level: str, category: str, pattern: str, *, negatable: bool = True) -> Rule:
    return Rule(level, category, re.compile(pattern), "en", negatable)


def _zh(level: str, category: str, pattern: str) -> Rule:
    # Chinese marks negation inside the pattern itself (不想活 is ideation, 不想死 is not), so none is looked for.
    return Rule(level, category, re.compile(pattern), "zh", negatable=False)


RULES: tuple[Rule, ...] = (
    # imminent: an attempt in progress, or one stated for now.
    _en("imminent", "self_harm",
        rf"{I}\s+(?:just\s+|already\s+)?(?:took|swallowed|taken|have\s+taken|'ve\s+taken)\s+(?:a\s+(?:lot|bunch|bottle|handful)\s+of\s+|all\s+(?:of\s+)?(?:my|the)\s+|\d+\s+|too\s+many\s+)?"
        r"(?:\w+\s+)?(?:pills|tablets|meds|medication|sleeping\s+pills|paracetamol|tylenol|painkillers|bleach|poison)",
        negatable=False),
    _en("imminent", "self_harm", rf"{I}\s*(?:'m|am)?\s+(?:standing\s+)?(?:on|at)\s+(?:the\s+)?(?:edge|ledge|bridge|roof|tracks|cliff)\b",
        negatable=False),
    _en("imminent", "self_harm", rf"{I}\s*(?:'m|am|will|'ll)?\s*(?:going\s+to|gonna|about\s+to|will)\s+{END_LIFE}\s+{NOW}"),
    _en("imminent", "self_harm", rf"{I}\s*(?:'m|am)?\s*(?:going\s+to|gonna|about\s+to)\s+(?:jump|do\s+it)\s+{NOW}"),
    _en("imminent", "self_harm",
        rf"{I}(?:'m|'ve|'d)?\s+(?:{ADV}\s+){{0,3}}(?:want|wanna|need|plan(?:ning)?|intend|decided|ready)\s+(?:to\s+)?"
        rf"{END_LIFE}\s+{NOW}"),
    _en("imminent", "self_harm", r"\b(?:tonight|today)\s+is\s+the\s+(?:night|day)\b"),
    _en("imminent", "self_harm", r"\b(?:this\s+is\s+(?:my\s+)?goodbye|by\s+the\s+time\s+(?:you|anyone|someone)\s+(?:reads?|sees?)\s+this"
        r"|(?:i'?ll|i\s+will)\s+be\s+(?:dead|gone)\s+(?:soon|by|before)|my\s+last\s+(?:message|night|day)\s+(?:alive|on\s+earth))"),
    _en("imminent", "self_harm", rf"{I}\s+(?:cut|hurt)\s+{SELF}\s+(?:and|but)\s+(?:it\s+)?(?:won'?t|can'?t|doesn'?t)\s+stop\s+bleeding",
        negatable=False),
    # An overdose just taken, or taken today: "I just OD'd", "I overdosed an hour ago".
    _en("imminent", "self_harm",
        rf"(?:{I}\s+(?:just\s+|have\s+just\s+|'ve\s+just\s+)|^\s*just\s+)(?:{OVERDOSED})"
        rf"|{I}\s+(?:have\s+|'ve\s+)?(?:{OVERDOSED})\s+(?:{NOW}|(?:a\s+few\s+|\d+\s+)?(?:minutes?|an?\s+hour|hours?)\s+ago)",
        negatable=False),
    # behavior: plans, means, preparations, self-harm acts, past attempts.
    _en("behavior", "self_harm", rf"{I}\s+(?:have\s+|'ve\s+)?(?:{OVERDOSED})\b(?!\s+on\s+{NOT_A_DRUG})"),
    _en("behavior", "self_harm",
        rf"{I}\s+(?:have|'ve\s+got|got|made|wrote|written|'ve\s+written|have\s+written)\s+(?:a|my|the)\s+(?:suicide\s+notes?|goodbye\s+(?:letter|note)s?"
        rf"|plan\s+(?:to|for|of\s+how\s+to)\s+(?:{END_LIFE}|do\s+it|end\s+it))"
        r"|\bsuicide\s+note\b"),
    _en("behavior", "self_harm",
        rf"{I}\s+(?:\w+\s+)?(?:bought|got|have|found|saved|stockpiled|hoarded|collected|been\s+saving|been\s+collecting|been\s+stockpiling)\s+"
        r"(?:a\s+|some\s+|enough\s+|the\s+)?(?:rope|noose|gun|pills|razor|razors|blades?|tablets)\s+(?:to|for|so)\b"
        rf"|{I}\s+(?:\w+\s+)?(?:have|'ve\s+got|got|keep)\s+(?:a\s+|some\s+|enough\s+|the\s+|my\s+)?(?:\w+\s+)?"
        r"(?:pills|tablets|rope|noose|razors?|blades?)\s+(?:saved|stashed|hidden|ready|hoarded|stockpiled)"
        rf"|{I}\s+(?:\w+\s+)?(?:saved|stockpiled|hoarded|stashed)\s+(?:up\s+)?(?:a\s+lot\s+of\s+|some\s+|enough\s+|my\s+)?"
        r"(?:pills|tablets|meds|painkillers)"),
    _en("behavior", "self_harm", rf"{I}\s+(?:know|decided|worked\s+out|figured\s+out|planned)\s+(?:exactly\s+)?(?:how|when|where)\s+(?:i'?(?:ll|d|m\s+going\s+to)|to)\s+(?:do\s+it|{END_LIFE})"),
    _en("behavior", "self_harm",
        rf"{I}\s*(?:'ve|have|'m|am|was|been)?\s*(?:\w+\s+)?(?:been\s+)?(?:cutting|burning|hitting|starving|hurting|harming)\s+{SELF}"
        rf"|{I}\s+(?:cut|burned|burnt|hurt|harmed)\s+{SELF}\s+(?:again|today|last\s+night|yesterday|this\s+(?:week|morning))"
        r"|\bi\s+self[- ]?harm(?:ed)?\b|\brelapsed\s+(?:on|into)\s+self[- ]?harm", negatable=False),
    # Giving possessions away is a warning sign of preparation.
    _en("behavior", "self_harm",
        rf"{I}(?:'ve|'m)?\s+(?:\w+\s+)?(?:gave|given|giving|give)\s+away\s+(?:all\s+(?:of\s+)?)?my\s+"
        r"(?:things|stuff|belongings|possessions|pets?|cat|dog)"),
    _en("behavior", "self_harm",
        rf"{I}\s*(?:'ve|have)?\s*(?:tried|attempted)\s+(?:to\s+)?(?:{END_LIFE}|suicide)|\bmy\s+(?:last|first|previous|suicide)\s+attempt\b"),
    # ideation: thoughts of suicide or self-harm.
    _en("ideation", "self_harm", rf"{I}(?:'m|'ve|'d)?\s+(?:{ADV}\s+){{0,4}}{WANT}\s+(?:to\s+)?{END_LIFE}"),
    _en("ideation", "self_harm", rf"{I}(?:'m|'ve|'d)?\s+(?:{ADV}\s+){{0,4}}{THINK}\s+{END_LIFE_ING}"),
    # "feeling like killing myself", with or without the "I": the object says whose life it is.
    _en("ideation", "self_harm",
        r"\b(?:feel|feeling|felt)\s+like\s+(?:killing\s+my\s*self|ending\s+(?:it\s+all|my\s+(?:own\s+)?life)"
        r"|taking\s+my\s+(?:own\s+)?life|committing\s+suicide)"),
    # Thoughts of killing oneself said without the "I" ("anyone else think about killing myself every day?",
    # "trying to forget about ending my life"): the object says whose life it is.
    _en("ideation", "self_harm",
        r"\b(?:about|of)\s+(?:killing\s+my\s*self|ending\s+my\s+(?:own\s+)?life|taking\s+my\s+(?:own\s+)?life)\b"
        rf"|{UNSAID_I}(?:(?:been|keep|kept)\s+)?(?:thinking|thought)\s+(?:about|of)\s+(?:committing\s+)?suicide\b"
        r"(?!\s+(?:prevention|awareness|rates?|hotlines?|statistics))"),
    _en("ideation", "self_harm",
        rf"{UNSAID_I}(?:want|wanna|wish)\s+(?:to\s+|i\s+(?:was|were)\s+|i\s+could\s+)?(?:die|be\s+dead|kill\s+{SELF}"
        rf"|end\s+my\s+(?:own\s+)?life|commit\s+suicide|{BRAINS_OUT})\b"),
    _en("ideation", "self_harm",
        rf"{I}(?:'m|'d)?\s+(?:{ADV}\s+){{0,4}}{WANT}\s+(?:it\s+all|the\s+pain|everything|all\s+of\s+this)\s+to\s+"
        r"(?:stop|end|be\s+over)\s+(?:forever|for\s+good|permanently)"),
    _en("ideation", "self_harm", rf"{I}\s+(?:wish|wished)\s+(?:i\s+(?:was|were)\s+(?:dead|never\s+born)|i\s+(?:could\s+)?(?:die|disappear)|i\s+wouldn'?t\s+wake\s+up)"),
    _en("ideation", "self_harm", rf"{I}\s*(?:'m|am|feel|feeling|have\s+been|'ve\s+been|been|get|getting)\s+(?:so\s+|really\s+|very\s+|kind\s+of\s+|kinda\s+|a\s+bit\s+|pretty\s+)?suicidal"),
    _en("ideation", "self_harm", r"\bsuicidal\s+(?:thoughts|feelings|urges)\b|\bthoughts\s+(?:of|about)\s+(?:suicide|killing\s+myself|ending\s+my\s+life|self[- ]harm)"),
    _en("ideation", "self_harm",
        rf"(?:{I}\s+)?(?:don'?t|do\s+not|no\s+longer)\s+want\s+to\s+(?:live(?!\s+(?:in|with|at|there|here|near|on|together|alone))|be\s+alive|exist|be\s+here|wake\s+up)(?:\s+anymore)?"
        r"|\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:living|live|being\s+alive|going\s+on)\b"
        r"|\b(?:everyone|everybody|they|my\s+family)\s+(?:would|will)\s+be\s+better\s+off\s+without\s+me\b"
        r"|\bbetter\s+off\s+dead\b|\bi\s+(?:should|could)\s+just\s+(?:die|end\s+it)\b", negatable=False),
    # indicators: distress and hopelessness.
    _en("indicator", "self_harm",
        rf"{HOPE_LOST}|\b(?:hopeless|worthless|no\s+hope|can'?t\s+go\s+on|can'?t\s+take\s+(?:it|this)\s+any\s*more|can'?t\s+do\s+this\s+any\s*more"
        r"|can'?t\s+hold\s+on\s+(?:much\s+|any\s+)?(?:longer|any\s*more)"
        r"|what'?s\s+the\s+point(?:\s+of\s+(?:anything|living|it\s+all))?|nothing\s+(?:will\s+)?(?:ever\s+)?(?:gets?|getting)\s+better"
        rf"|{BURDEN}|i\s+hate\s+myself|tired\s+of\s+(?:living|everything|life|being\s+alive)|give\s+up\s+on\s+(?:life|everything)"
        r"|i\s+feel\s+(?:so\s+)?(?:empty|numb|trapped)|(?:nobody|no\s+one)\s+would\s+(?:even\s+|ever\s+)?(?:care|notice|miss\s+me)|\bkms\b)"),
    # Someone else is at risk.
    _en("imminent", "third_party",
        rf"{OTHER}\s+(?:just\s+|has\s+just\s+|has\s+|already\s+)?(?:took|swallowed|taken)\s+(?:a\s+(?:lot|bunch|bottle|handful)\s+of\s+"
        r"|all\s+(?:of\s+)?(?:his|her|their|the)\s+|too\s+many\s+|\d+\s+)?(?:\w+\s+)?(?:pills|tablets|meds|medication|painkillers"
        r"|paracetamol|tylenol|bleach|poison)"
        rf"|{OTHER}\s+(?:just\s+|has\s+just\s+|has\s+|already\s+)?(?:overdosed|od'?d|is\s+overdosing|cut\s+{OTHER_SELF}"
        r"|is\s+(?:standing\s+)?on\s+(?:the\s+)?(?:edge|ledge|bridge|roof))"),
    _en("imminent", "third_party", rf"{OTHER}{IS}\s+(?:going\s+to|gonna|about\s+to)\s+(?:kill\s+{OTHER_SELF}|jump|end\s+(?:it|(?:his|her|their)\s+life))\s+{NOW}"),
    # Not negatable: a negation before the other person is about the writer's own verb ("I didn't see any signs she
    # wanted to end it"), and someone else's wish to die is never the writer's.
    _en("indicator", "third_party",
        rf"{OTHER}\s+(?:\w+\s+){{0,4}}?(?:wants?|wanted|said\s+(?:he|she|they)\s+wants?|is\s+going|are\s+going|talk(?:s|ed|ing)\s+about|tried|is\s+trying|has\s+tried|keeps\s+saying|thinks?\s+about|might)\s+(?:to\s+)?"
        rf"(?:die|kill\s+{OTHER_SELF}|end\s+(?:it\s+all|it|things|everything|(?:his|her|their)\s+(?:own\s+)?life)|suicide"
        rf"|hurt\s+{OTHER_SELF}|commit\s+suicide)"
        rf"|{OTHER}(?:{IS}|\s+seems?|\s+has\s+been|'s\s+been)\s+(?:\w+\s+)?suicidal"
        rf"|\b(?:cutting|hurting|harming)\s+{OTHER_SELF}", negatable=False),
    # Violence against the person.
    _en("ideation", "being_harmed",
        r"\b(?:he|she|they|my\s+(?:\w+\s+)?(?:dad|father|mom|mum|mother|stepdad|stepmom|husband|wife|partner|boyfriend|girlfriend|bf|gf|ex|brother|sister|uncle|boss))"
        r"\s+(?:\w+\s+)?(?:hits|hit|beats|beat|chokes|choked|strangled|raped|rapes|abuses|abused|threatened\s+to\s+kill|threatens\s+to\s+kill|hurts|hurt|kicks|kicked|punches|punched)\s+me\b"
        r"|\bi(?:'m|\s+am|\s+was|'ve\s+been|\s+have\s+been)\s+(?:being\s+)?(?:abused|raped|assaulted|beaten|molested|trafficked)\b"
        r"|\b(?:sexually|physically)\s+abus(?:ed|ing)\s+me\b"),
    # Harm to others.
    _en("ideation", "harm_to_others",
        rf"{I}\s*(?:'m|am|really|\s)*\s*(?:want|wanna|going|gonna|plan(?:ning)?|about)\s+(?:to\s+)?(?:kill|hurt|stab|shoot|murder|strangle)\s+(?:him|her|them|someone|somebody|people|everyone|my\s+\w+)\b"),
    # Simplified (and common traditional) Chinese.
    _zh("imminent", "self_harm",
        r"(?:我|已经|已經)(?:已经|已經|刚|剛|刚刚|剛剛)?(?:吃了|吞了|喝了)(?:一整瓶|一瓶|很多|好多|全部的?)?(?:安眠药|安眠藥|药|藥|农药|農藥)"
        r"|我(?:现在|現在)?(?:站)?在(?:楼顶|樓頂|天台|桥上|橋上|窗台)"
        r"|(?:今晚|今天|现在|現在|马上|馬上)(?:就)?(?:要|去|想)?(?:自杀|自殺|去死|跳楼|跳樓|结束(?:自己的)?生命|結束(?:自己的)?生命)"
        r"|永别了|永別了|再见了(?:，|,)?(?:这个)?世界"),
    _zh("behavior", "self_harm",
        r"我(?:已经|已經)?(?:写好了|寫好了|写了|寫了)遗书|遺書|我(?:买了|買了|准备了|準備了|存了)(?:绳子|繩子|安眠药|安眠藥|刀片|木炭|炭)"
        r"|我(?:一直|经常|經常|又)?(?:在)?(?:割腕|割自己|自残|自殘|伤害自己|傷害自己)|我(?:曾经|曾經|以前)?(?:试过|試過|尝试过|嘗試過)自杀|自殺未遂"
        r"|我(?:计划|計劃|打算)(?:好了)?(?:怎么|怎麼)?(?:自杀|自殺|去死)"),
    _zh("ideation", "self_harm",
        r"(?:我)?(?:真的|好|很)?(?:想死|想去死|想自杀|想自殺|不想活|活不下去|想结束(?:自己的)?生命|想結束(?:自己的)?生命|想轻生|想輕生|想伤害自己|想傷害自己"
        r"|想割腕|想跳楼|想跳樓)|(?:我)?(?:活着|活著)(?:真)?没(?:有)?(?:意思|意义|意義)|死了(?:就)?算了|(?:大家|他们|他們)没有我(?:会|會)更好"),
    _zh("indicator", "self_harm", r"(?:没有?|沒有?)人(?:会|會)?(?:在意|在乎|注意到|發現|发现|想念)我|我(?:消失|不在)了?(?:也)?(?:没有?|沒有?)人"
        r"|(?:我|自己)(?:真的|好像|感觉|感覺|快|快要|已经|已經|就要)*(?:撑|撐)不住了|不想再(?:撑|撐)(?:下去)?了?|(?:活着|活著)(?:好|真|太|真的)?累"
        r"|绝望|絕望|撑不下去|撐不下去|没有希望|沒有希望|我是(?:个|個)?累赘|我是(?:个|個)?負擔|我是(?:个|個)?负担|好累(?:啊)?(?:，|,)?不想(?:再)?(?:坚持|堅持)"),
    _zh("indicator", "third_party", r"(?:他|她|我(?:的)?(?:朋友|妈妈|媽媽|爸爸|哥哥|姐姐|弟弟|妹妹|同学|同學|男朋友|女朋友))(?:说)?(?:想死|想自杀|想自殺|不想活)"),
    _zh("ideation", "being_harmed", r"(?:他|她|我(?:的)?(?:爸爸|妈妈|媽媽|丈夫|老公|男朋友|继父|繼父))(?:经常|經常|又|一直)?(?:打我|家暴我|虐待我|强奸|強姦)|我(?:被)(?:家暴|虐待|强奸|強姦|性侵)"),
)
# Chinese negations that cancel a match of ideation wording when they come right before it: 我不想死 ("I don't
# want to die"); 不想活 itself is ideation and is written into the rule above.
ZH_NEGATED = re.compile(r"(?:不|没有|沒有|从没|從沒|从来没|從來沒|不会|不會|别|別)(?:真的)?(?:想死|想去死|想自杀|想自殺|想伤害自己|想傷害自己)")
ZH_STILL = re.compile(r"不想活|活不下去")
SENTENCE_END = re.compile(r"[.!?\n。！？]+")
CLAUSE_END = re.compile(r"[.!?;\n。！？；]+|\s+but\s+|，但|,\s*but\s+")
# A clause with none of these word beginnings cannot match an English rule; most clauses are skipped at this cost.
EN_TRIGGER = re.compile(
    r"\b(?:die|dead|dying|kill|suicid|end|life|live|living|alive|exist|hurt|harm|cut|burn|starv|pill|tablet|med"
    r"|overdos|rope|noose|gun|blade|razor|jump|bridge|ledge|edge|roof|track|cliff|goodbye|gone|hope|worthless"
    r"|burden|hate|point|go on|take it|do this|hold on|anymore|empty|numb|trapped|tired|better off|notice|care|miss|hit"
    r"|beat|blow|hang|abus|rape|raping|assault|molest|traffick|chok|strangl|threat|stab|shoot|murder|disappear|wake|note"
    r"|attempt|kms|od\b|o\.d\.|bleed|poison|bleach|swallow|took|taken|plan|wish|give up|paracetamol|tylenol|painkiller|kick"
    r"|punch|letter|relapse|here|do it|away|stop|be over|self[- ]?harm|sh\b)")
# The words people use for suicide, self-harm and wanting not to live, whoever says them and however meant: a chat
# message without any of them names no danger (the `unspoken` cue). Grief ("my dad died") and everyday endings
# ("bye") are deliberately not here; the warning signs people give without naming dying ("I can't do this
# anymore", "I'm done") are.
RISK_LANGUAGE = re.compile(
    r"\bdie\b|\bdying\b|\b(?:be|was|were|being)\s+(?:better\s+off\s+)?dead\b|suicid|\bkms\b|\bkill(?:ing)?\s+(?:my\s*self|me|your\s*self|urself|him\s*self|her\s*self|them\s*sel(?:f|ves))\b"
    r"|\bend(?:ing)?\s+(?:it\s+all|it|my\s+(?:own\s+)?life|everything|things)\b|\btake\s+my\s+(?:own\s+)?life"
    r"|\b(?:nothing|no\s+reason|no\s+point)\s+(?:(?:to|in)\s+)?(?:live|living|going\s+on|being\s+alive)"
    r"|\bpoint\s+(?:of|in)\s+(?:living|being\s+alive|life|going\s+on|anything)"
    r"|\b(?:don'?t|do\s+not|no\s+longer)\s+want\s+to\s+(?:live|be\s+alive|exist|be\s+here|wake\s+up|go\s+on)"
    r"|\bhat(?:e|ed|ing)\s+being\s+alive|\btired\s+of\s+(?:living|life|being\s+(?:alive|here))|\bnot\s+(?:be\s+)?(?:alive|here)\s+anymore"
    r"|\b(?:won'?t|will\s+not)\s+be\s+(?:around|here)\b|\bsay(?:ing)?\s+goodbye\b"
    r"|\b(?:letters?|notes?)\s+to\s+(?:everyone|everybody|my\s+(?:family|kids|children|parents|mom|mum|dad|wife|husband))"
    r"|\bdisappear|\bnot\s+exist|\bstop\s+existing|\bsleep\s+forever|\b(?:never|not)\s+wak(?:e|ing)\s+up"
    r"|self[- ]?harm|\b(?:hurt|harm|cut|burn|starv)(?:ing)?\s+my\s*self|\boverdos|\bod\b|\bpills\b|\brope\b|\bnoose\b"
    r"|\bgun\b|\bbridge\b|\bledge\b|\bjump(?:ing)?\s+(?:off|from|in\s+front)|\bbetter\s+off\s+without\s+me"
    r"|\bcan'?t\s+go\s+on|\bcan'?t\s+hold\s+on\s+(?:much\s+|any\s+)?(?:longer|any\s*more)|\bgive\s+up\s+on\s+(?:life|living|everything)|\bsuicide\s+note"
    r"|\bgood\s?-?bye\s+(?:letter|note|world|everyone|everybody|all|forever)|\bmy\s+(?:final|last)\s+goodbye"
    r"|\b(?:when|once|after|if)\s+i'?m\s+gone\b|\b(?:being|be)\s+gone\s+(?:by|before|soon|forever)"
    r"|\bleave\s+this\s+world|\bworld\s+(?:is\s+)?not\s+for\s+me"
    r"|\b(?:i'?m|i\s+am)\s+(?:going\s+to|gonna|about\s+to|ready\s+to)\s+do\s+it\b"
    r"|\b(?:shoot|hang|drown|poison)(?:ing)?\s+my\s*self|\bslit|\bslic(?:e|ed|ing)\s+(?:up\s+)?my\b|\bwrists?\b"
    r"|\bthinking\s+(?:about|of)\s+jumping|\b\d+\s*mg\b"
    # The warning signs said without the words: "I can't do this anymore", "what's the point", "I'm done".
    r"|\bcan'?t\s+(?:do|take)\s+(?:this|it|life|living)\s+any\s*more|\bwhat'?s\s+the\s+point\b"
    # ...and those the crisis lines list: no way out, pain past bearing, being gone, not lasting, wanting it over.
    r"|\b(?:no|only\s+one|one)\s+way\s+out\b|\bunbearable\b|\bcan'?t\s+bear\s+(?:it|this|living|life)"
    r"|\b(?:if|when)\s+i\s+(?:was|were|am|'m)\s+(?:just\s+)?gone\b"
    r"|\bwon'?t\s+(?:last|be\s+(?:here|around))\s+(?:much\s+)?longer"
    r"|\bwon'?t\s+last\s+(?:more\s+than|another)|\bend\s+(?:our|their|his|her)\s+lives\b|\bend\s+(?:his|her|their)\s+(?:own\s+)?life\b"
    r"|\b(?:it'?s|its|it\s+is|this\s+is|everything\s+is)\s+(?:gonna|going\s+to)\s+(?:all\s+)?end\s+soon"
    r"|\bit\s+will\s+(?:all\s+)?be\s+over\s+soon"
    r"|\b(?:don'?t|dont|do\s+not)\s+(?:wanna|want\s+to)\s+(?:go\s+on|keep\s+going|carry\s+on)"
    r"|\bdon'?t\s+know\s+how\s+(?:to|i\s+can)\s+(?:survive|go\s+on|keep\s+going|hold\s+on)"
    r"|\bhow\s+(?:much\s+)?longer\s+i\s+can\s+(?:take|do|hold|go\s+on|keep)"
    r"|\bi\s+(?:just\s+)?want\s+(?:it\s+all|it|this|everything|the\s+pain)\s+to\s+(?:stop|end)\b|\bbreaking\s+point\b"
    rf"|{BURDEN}|{HOPE_LOST}|{BRAINS_OUT}|\bsoon\s+(?:i'?ll|i\s+will)\s+be\s+gone\b"
    r"|\bsoon\s+there\s+(?:is|will\s+be)\s+no\s+(?:more\s+)?(?:life|me)\b"
    # Being forgotten, not coming back, one's own funeral, no fight left: "everyone will forget me", "I'm tired of
    # fighting".
    r"|\bevery(?:one|body)\s+(?:will|would|'ll)\s+(?:just\s+|soon\s+)?forget\b"
    r"|\b(?:no\s*one|nobody)\s+(?:will|would)\s+(?:even\s+)?remember\s+me\b"
    r"|\b(?:not|never|won'?t\s+be)\s+(?:be\s+)?(?:come|coming)\s+back\b"
    r"|\bmy\s+(?:own\s+)?funeral\b|\b(?:tired\s+of|sick\s+of|done)\s+fighting\b(?!\s+(?:with|about|over|for))"
    r"|\bi\s+(?:don'?t|won'?t)\s+have\s+to\s+fight\b(?!\s+(?:with|about|over|for))"
    r"|\bcan'?t\s+fight\s+(?:it\s+|this\s+)?any\s*(?:more|longer)"
    r"|\bwill\s+(?:it|this|the\s+pain)\s+ever\s+(?:end|stop)(?!\s*up\b|s\b|ed\b|ing\b)|\bi'?m\s+sorry,?\s+(?:to\s+)?every(?:one|body)\b"
    r"|\bi'?m\s+(?:just\s+)?done\b(?!\s+(?:with|for|at|in|now|talking|here|eating|working|crying|trying\s+to))")
WORD = re.compile(r"\w+")
# A negation after a hope is no denial: "I hope it doesn't drive me to suicide" fears what it names.
HOPED = r"(?:hope|hoping|hoped|pray|praying)\b"
HOPED_BEFORE = re.compile(rf"\b{HOPED}")
# A first-person statement negated before its verb: "I would never kill myself", "I'm not going to end my life".
NEGATED_STATEMENT = re.compile(
    rf"{I}(?:'m|'d|'ll)?\s+(?:(?!{HOPED})\w+\s+){{0,2}}?(?:never|not|no\s+longer|\w+n't|dont|wont|wouldnt)\s+"
    rf"(?:(?!i\b|should\b|if\b)\w+\s+){{0,3}}?(?:{END_LIFE}|suicidal|suicide)")
# What a joke is about when the net notices it: "kms lol", "I'd rather die haha".
JOKE_TOPIC = re.compile(r"\bkill\s+myself|\bkms\b|\bdie\b|\bdead\b|\bsuicid")
# Said to someone else: "please don't hurt yourself", "you should never kill yourself".
COMFORT = re.compile(r"\b(?:don'?t|do\s+not|never|please\s+don'?t)\s+(?:\w+\s+)?(?:kill|hurt|harm|cut)\s+(?:yourself|urself)\b")
RUN_ON = re.compile(r"(?<=[a-z])(?=[A-Z])")
# How people spell what the rules read, mapped onto the words the rules are written in: the euphemisms of social
# media ("unalive myself", "sewerslide"), phone typos of "suicide" and "myself", and the jokey "thyself".
SPELLINGS = tuple((re.compile(spelling), word) for spelling, word in (
    (r"\bunalive\b", "kill"),
    (r"\bunaliving\b", "killing"),
    (r"\bunalived\b", "killed"),
    (r"\b(?:sewer\s?slide|su[1!]c[1!]de|sui[1!]c[1!]de|suicde|sucide|suiside)\b", "suicide"),
    (r"\b(?:thym?self|myslef|mysefl|mysef|mysel|myselff|mysself)\b", "myself"),
))
HAS_CJK = re.compile(r"[\u3400-\u9fff]")
SOURCE = "safety_net"


def _normalise(text: str) -> str:
    # Curly apostrophes and full-width spaces are common on phones; so is a sentence run into the next one
    # ("what's the pointI am alone"), which would hide both from the rules' word boundaries.
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u3000", " ")
    text = RUN_ON.sub(" ", text).lower()
    for spelling, word in SPELLINGS:
        text = spelling.sub(word, text)
    return text


def _clauses(text: str) -> list[str]:
    return [clause for clause in CLAUSE_END.split(text) if clause.strip()]


def _joking(text: str) -> bool:
    """Whether a joke marker sits with what it jokes about: in the same sentence ("I'd rather die lol"), or alone
    right after it ("kms. lol"). A "haha" about something else does not make "still want to die" a joke."""
    before = ""
    for sentence in SENTENCE_END.split(text):
        if JOKING.search(sentence):
            alone = not WORD.findall(JOKING.sub(" ", sentence))
            if JOKE_TOPIC.search(sentence) or (alone and JOKE_TOPIC.search(before)):
                return True
        if sentence.strip():
            before = sentence
    return False


def _match(rule: Rule, clause: str) -> str | None:
    """"match" when the rule reads in the clause, "negated" when it would but a negation before it cancels it."""
    negated = False
    for match in rule.pattern.finditer(clause):
        before = clause[max(0, match.start() - 40):match.start()]
        if rule.negatable and NEGATION.search(before) and not HOPED_BEFORE.search(before):
            negated = True
            continue
        # 我不想死 contains 想死: a negated Chinese phrase cancels the ideation reading of its clause.
        if rule.script == "zh" and rule.level == "ideation" and rule.category == "self_harm" \
                and ZH_NEGATED.search(clause) and not ZH_STILL.search(clause):
            negated = True
            continue
        return "match"
    return "negated" if negated else None


def _clause_readings(clause: str) -> tuple[dict[str, str], set[str]]:
    """The highest level each category reaches in one clause, and the cues seen in it."""
    scripts = {"en"} if EN_TRIGGER.search(clause) else set()
    if HAS_CJK.search(clause):
        scripts.add("zh")
    found: dict[str, str] = {}
    cues: set[str] = set()
    for rule in RULES:
        if rule.script not in scripts:
            continue
        current = found.get(rule.category)
        if current is not None and risk_rank(current) >= risk_rank(rule.level):
            continue
        outcome = _match(rule, clause)
        if outcome == "match":
            found[rule.category] = rule.level
        elif outcome == "negated" and rule.category == "self_harm" and risk_rank(rule.level) >= risk_rank("ideation"):
            cues.add("negated")
    if ZH_NEGATED.search(clause) and not ZH_STILL.search(clause):
        cues.add("negated")
    if "third_party" in found and found.get("self_harm") in ("indicator", "ideation"):
        # "my friend says she wants to die" (我朋友说想死): the wish is the friend's, not the writer's.
        del found["self_harm"]
    return found, cues


def assess(text: str, context: Sequence[str] = ()) -> Risk:
    """The safety net's reading of one message. `context` (the person's earlier messages) only raises a
    reading of this message from `indicator` to `ideation` when an earlier message was itself flagged:
    "I can't take it anymore" after "I want to die" is still someone at risk."""
    text = _normalise((text or "")[:8000])
    if not text.strip():
        return Risk(source=SOURCE)
    found: dict[str, str] = {}  # category -> highest level
    cues: set[str] = set()
    if HYPERBOLE.search(text):
        cues.add("figurative")
    if COMFORT.search(text):
        cues.add("comfort")
    if NEGATED_STATEMENT.search(text):
        cues.add("negated")
    joking = _joking(text)
    if joking:
        cues.add("joking")
    for clause in _clauses(HYPERBOLE.sub(" ", text)):
        clause_found, clause_cues = _clause_readings(clause)
        cues |= clause_cues
        for category, level in clause_found.items():
            if risk_rank(level) > risk_rank(found.get(category, "none")):
                found[category] = level
    if joking and found.get("self_harm") in ("ideation", "behavior"):
        # "I'll kill myself if I fail this exam lol": distress worth noticing, not a statement of intent.
        found["self_harm"] = "indicator"
        cues.add("joking")
    if found.get("self_harm") == "indicator" and any(assess(earlier).flagged for earlier in context[-5:]):
        found["self_harm"] = "ideation"
        cues.add("context")
    if HAS_CJK.search(text) or len(WORD.findall(text)) < CHAT_WORDS:
        cues.add("brief")
    if not HAS_CJK.search(text) and not RISK_LANGUAGE.search(text):
        cues.add("unspoken")
    if any(risk_rank(level) >= risk_rank("ideation") for category, level in found.items() if category != "third_party"):
        cues.add("statement")
        cues.discard("negated")
    if "third_party" in found:
        cues.add("third_party")
    ordered = tuple(cue for cue in CUES if cue in cues)
    if not found:
        return Risk(source=SOURCE, cues=ordered)
    level = max(found.values(), key=risk_rank)
    categories = tuple(sorted(found, key=lambda c: (-risk_rank(found[c]), c)))
    subject = "other" if categories[0] == "third_party" else ("not_literal" if "joking" in cues else "self")
    return Risk(level=level, score=SCORES[level], categories=categories, source=SOURCE, subject=subject, cues=ordered)


class SafetyNetRiskDetector:
    """The safety net behind the RiskDetector interface (contract tests; a worker without the model)."""

    def assess(self, texts: Sequence[str], *, contexts: Sequence[Sequence[str]] | None = None) -> list[Risk]:
        contexts = contexts or [()] * len(texts)
        return [assess(text, context) for text, context in zip(texts, contexts)]
