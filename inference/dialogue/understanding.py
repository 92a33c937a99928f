"""What one message is, as the dialogue manager needs it: a short turn of a known kind ("bye", "ok", "are you a
bot?", read by turns.py) or a message with something to say; and the people, topics and feelings the person named
in it, said the way the reply will say them back ("my boss" → "your boss", "我妈妈" → "你妈妈"; a name stays a name).

Rules, not a model: they are read the same on every worker, tested sentence by sentence, and a miss costs only a
plainer reply (the message is then answered as one with something to say).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from inference.dialogue import asks as asking
from inference.dialogue.turns import kind_of


@dataclass(frozen=True)
class Understanding:
    language: str
    kind: str = ""  # one of turns.KINDS, or "" for a message with something to say
    people: tuple[str, ...] = ()  # as the reply says them: "your boss", "Max", "你妈妈"
    topics: tuple[str, ...] = ()  # as the reply says them: "work", "your exams", "考试"
    feelings: tuple[str, ...] = ()  # the reflected phrases of the feeling words the person used (not negated)
    # What the message asks of the assistant (asks.py): ideas ("suggestion"), or about itself ("about_me").
    asks: tuple[str, ...] = ()

    @property
    def short(self) -> bool:
        return bool(self.kind)


_RELATIONS_EN = (
    "best friend", "boyfriend", "girlfriend", "friend", "friends", "partner", "husband", "wife", "fiance", "fiancee",
    "ex", "mom", "mum", "mother", "dad", "father", "parents", "stepmom", "stepdad", "sister", "brother", "son",
    "daughter", "kids", "children", "baby", "grandma", "grandmother", "grandpa", "grandfather", "nan", "aunt", "uncle",
    "cousin", "roommate", "flatmate", "boss", "manager", "supervisor", "coworker", "coworkers", "colleague",
    "colleagues", "teacher", "professor", "tutor", "coach", "landlord", "neighbour", "neighbor", "dog", "cat", "puppy",
    "kitten", "pet", "rabbit", "hamster", "horse", "family", "team", "classmates",
)
_RELATION_EN = re.compile(r"\bmy\s+(" + "|".join(sorted(map(re.escape, _RELATIONS_EN), key=len, reverse=True)) + r")\b",
                          re.I)
# A name is only taken where the message says it is one: "my dog Max", "my sister, Anna,", "a cat named Bo".
_NAMED_EN = re.compile(r"\b[Mm]y\s+(?:" + "|".join(sorted(map(re.escape, _RELATIONS_EN), key=len, reverse=True)) +
                       r")\s*,?\s+([A-Z][a-z]{1,15})\b|\b(?:named|called)\s+([A-Z][a-z]{1,15})\b")
_NOT_NAMES = {"And", "But", "The", "She", "He", "They", "It", "Is", "Was", "Has", "Had", "Who", "Just", "Never",
              "Always", "Keeps", "Said", "Says", "Told", "Thinks", "Does", "Did", "Will", "Would", "Can", "Could",
              "Yelled", "Left", "Died", "Passed", "Got", "Gets", "Wants", "Doesn", "Didn", "Isn", "Hasn", "Won"}
_RELATIONS_ZH = (
    "好朋友", "男朋友", "女朋友", "男友", "女友", "对象", "前任", "老公", "老婆", "丈夫", "妻子", "妈妈", "母亲", "爸爸",
    "父亲", "父母", "爸妈", "姐姐", "妹妹", "哥哥", "弟弟", "儿子", "女儿", "孩子", "奶奶", "爷爷", "外婆", "外公",
    "闺蜜", "朋友", "室友", "同学", "同事", "老板", "领导", "上司", "老师", "导师", "狗狗", "猫咪", "小狗", "小猫",
)
# The people a Chinese message may name, as words (a situation's keyword that is one says less than an event).
PEOPLE_ZH = frozenset(_RELATIONS_ZH)
# Family is "你妈妈"; everyone else is "你的老板".
_KIN_ZH = {"妈妈", "母亲", "爸爸", "父亲", "父母", "爸妈", "姐姐", "妹妹", "哥哥", "弟弟", "奶奶", "爷爷", "外婆", "外公",
           "老公", "老婆", "儿子", "女儿"}
_RELATION_ZH = re.compile(r"我(?:的|家)?(" + "|".join(sorted(_RELATIONS_ZH, key=len, reverse=True)) + ")")

_TOPICS_EN = (
    ("the breakup", r"\bbroke\s+up|\bbreak\s*-?\s*up|\bdumped\b|\bdivorc"),
    ("your exams", r"\bexams?\b|\bfinals\b|\bmidterms?\b|\btests?\b|\bgrades?\b"),
    ("work", r"\bwork\b|\bjob\b|\boffice\b|\bshifts?\b|\bcareer\b|\bboss\b|\bmanager\b|\bcoworkers?\b|\bcolleagues?\b"),
    ("school", r"\bschool\b|\bcollege\b|\buniversity\b|\buni\b|\bclasses\b|\bhomework\b|\bassignments?\b|\bthesis\b"),
    ("money", r"\bmoney\b|\brent\b|\bbills?\b|\bdebts?\b|\bloans?\b|\bafford\b|\bbroke\b|\bsalary\b|\bpaycheck\b"),
    ("the move", r"\bmoved\b|\bmoving\b|\bnew\s+city\b"),
    # The person's own health only: "my mom is in hospital" is a worry about her, not "your health".
    ("your health", r"\bmy\s+(?:health|illness|surgery|diagnosis|condition)\b|\bchronic\s+(?:pain|illness)\b"
                    r"|\bi(?:'m|\s+am|'ve\s+been|\s+have\s+been|\s+was|\s+got|\s+get|\s+feel)\s+(?:\w+\s+)?"
                    r"(?:sick|ill|in\s+(?:the\s+)?hospital)\b|\bhealth\s+(?:anxiety|scare|problems?|issues?)\b"),
    ("sleep", r"\bsleep\b|\binsomnia\b|\bnightmares?\b"),
    ("your family", r"\bfamily\b|\bparents\b"),
)
_TOPICS_ZH = (
    ("分手的事", r"分手|离婚|被甩"),
    ("考试", r"考试|考研|高考|中考|成绩|挂科|期末"),
    ("工作", r"工作|上班|加班|老板|领导|公司|同事|辞职|裁员"),
    ("学业", r"学习|学业|作业|论文|上学|学校|毕业"),
    ("钱的事", r"钱|房租|贷款|欠款|工资|还债|经济"),
    ("搬家的事", r"搬家|搬到"),
    ("身体的事", r"身体|生病|住院|手术|病了"),
    ("睡眠", r"睡不着|失眠|睡不好|做噩梦"),
    ("家里的事", r"家里|家人|父母|爸妈"),
)
_TOPIC_PATTERNS = {"en": tuple((said, re.compile(p, re.I)) for said, p in _TOPICS_EN),
                   "zh": tuple((said, re.compile(p)) for said, p in _TOPICS_ZH)}
NEGATION_EN = re.compile(r"\b(?:not|never|no\s+longer|n't|isn't|don't|didn't|wasn't|aren't|ain't)\s+(?:\w+\s+)?$")
NEGATION_ZH = re.compile(r"(?:不|没有|没|并不|一点也不|不再)[^，。！？,.!?]{0,2}$")
# A feeling said of someone else: "everyone will be disappointed", "my mom is so sad", "他们会失望".
OTHERS_FEELING_EN = re.compile(r"\b(?:he|she|they|everyone|everybody|people|nobody|someone|we|you|my\s+\w+|his\s+\w+"
                               r"|her\s+\w+|their\s+\w+)(?:'s|'re|\s+(?:will|would|might|could|must)\s+be"
                               r"|\s+(?:is|was|are|were|seems?|seemed|looks?|looked|gets?|got|feels?|felt|became))"
                               r"\s+(?:so\s+|really\s+|very\s+|pretty\s+|quite\s+|too\s+|a\s+bit\s+)?$")
OTHERS_FEELING_ZH = re.compile(r"(?:他|她|他们|她们|大家|别人|家人|父母|爸妈|妈妈|爸爸)(?:会|也|都|一定|肯定|很|非常|特别|太|好)*"
                               r"(?:感到|觉得)?$")


def understand(text: str, *, language: str, feelings: Mapping[str, str], first: bool) -> Understanding:
    """What `text` is, for a conversation in `language` ("en"/"zh"); `feelings` maps the library's feeling words to
    the phrases it reflects; `first`: no message of the person's has been answered yet."""
    text = (text or "").strip()
    kind = kind_of(text, language=language, first=first)
    people, topics = people_of(text, language), topics_of(text, language)
    named = feelings_of(text, feelings, language)
    if kind == "about_me" and (people or topics or named):
        kind = ""  # "I'm so lonely, have you ever felt like this?" has something to say besides the question
    lowered = text.lower().replace("\u2019", "'")
    asks = asking.asks_of(lowered, language, first=first) if kind in ("", "about_me") else ()
    if kind == "about_me" and asking.ABOUT_ME not in asks:
        asks += (asking.ABOUT_ME,)  # "Hi, I'm well thanks. How are you today?" on a first turn
    if asking.SUGGESTION in asks:
        # "should I tell my mum?" about the bullies: the mum is someone to turn to, not what it is about.
        helpers = {person for match in _HELPER[language].finditer(text)
                   for person in people_of(match.group(1), language)}
        people = tuple(person for person in people if person not in helpers)
    return Understanding(language=language, kind=kind, people=people, topics=topics, feelings=named, asks=asks)


# Someone the person asks whether to turn to: "should I tell my mum?", "can I talk to my teacher about it?",
# "要不要告诉我妈".
_HELPER = {
    "en": re.compile(r"\b(?:tell|talk\s+(?:to|with)|speak\s+(?:to|with)|ask|call|text|message|reach\s+out\s+to"
                     r"|confide\s+in|contact|go\s+to)\s+(my\s+\w+(?:\s+\w+)?)", re.I),
    "zh": re.compile(r"(?:跟|和|给|告诉|找|问)(我(?:的|家)?(?:" + "|".join(sorted(_RELATIONS_ZH, key=len, reverse=True)) + "))"),
}


def people_of(text: str, language: str) -> tuple[str, ...]:
    """The people (and animals) named, in order, as the reply says them."""
    found: list[tuple[int, str]] = []
    if language == "zh":
        for match in _RELATION_ZH.finditer(text):
            relation = match.group(1)
            found.append((match.start(), ("你" if relation in _KIN_ZH else "你的") + relation))
    else:
        names = {}
        for match in _NAMED_EN.finditer(text):
            name = match.group(1) or match.group(2)
            if name not in _NOT_NAMES:
                names[match.start()] = name
        for match in _RELATION_EN.finditer(text):
            if match.start() in names:
                found.append((match.start(), names.pop(match.start())))
            else:
                found.append((match.start(), "your " + match.group(1).lower()))
        found += list(names.items())
    return _unique(said for _, said in sorted(found))


def topics_of(text: str, language: str) -> tuple[str, ...]:
    return _unique(said for said, pattern in _TOPIC_PATTERNS["zh" if language == "zh" else "en"]
                   if pattern.search(text))


def feelings_of(text: str, vocabulary: Mapping[str, str], language: str) -> tuple[str, ...]:
    """The phrases for the feeling words in `text`, in the order written, leaving out negated ones ("not lonely",
    "不孤独")."""
    lowered = text.lower()
    found: list[tuple[int, int, str]] = []
    for word, phrase in vocabulary.items():
        pattern = re.escape(word) if language == "zh" else rf"\b{re.escape(word)}\b"
        for match in re.finditer(pattern, lowered):
            before = lowered[max(0, match.start() - 24):match.start()]
            zh = language == "zh"
            if not (NEGATION_ZH if zh else NEGATION_EN).search(before) and not (
                    OTHERS_FEELING_ZH if zh else OTHERS_FEELING_EN).search(before):
                found.append((match.start(), -len(word), phrase))
    # The longest word at each place: "feeling down" rather than "down".
    kept, end = [], -1
    for start, length, phrase in sorted(found):
        if start > end:
            kept.append(phrase)
            end = start - length - 1
    return _unique(kept)


def said_of_others(text: str, word: str, language: str) -> bool:
    """Whether `word` is in `text` only as someone else's feeling ("everyone will be disappointed")."""
    lowered = text.lower()
    pattern = re.escape(word) if language == "zh" else rf"\b{re.escape(word)}\b"
    others = OTHERS_FEELING_ZH if language == "zh" else OTHERS_FEELING_EN
    starts = [match.start() for match in re.finditer(pattern, lowered)]
    return bool(starts) and all(others.search(lowered[max(0, start - 24):start]) for start in starts)


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
