"""Short turns: whether a message is one of the few kinds answered with an entry of their own ("bye", "ok",
"thanks", "are you a bot?", "I guess I could call my sister", "I feel a bit better now"), or has something to say.

Rules, not a model, like understanding.py: a miss costs only a plainer reply (the message is then answered as one
with something to say). docs/replies.md, "Short turns", lists the kinds.
"""

from __future__ import annotations

import re

from inference.dialogue import asks as asking

# The kinds of short turn, answered from the library's [[turn]] entries (docs/replies.md, "Short turns").
KINDS = ("greeting", "greeting_again", "thanks", "goodbye", "ok", "yes", "no", "unsure", "emoji", "bot", "human",
         "about_me", "own_step", "relief", "accepts")
# A short turn is the whole message: a longer one that starts with "hi" or ends with "thanks" says more.
SHORT_WORDS = 8
SHORT_CHARS_ZH = 12


def _whole(pattern: str) -> re.Pattern:
    return re.compile(rf"^\W*(?:{pattern})[\W\s]*$")


_EN = {
    # Order matters: "thanks, bye" is a goodbye; "hi, are you a bot?" is a question about the bot.
    "bot": re.compile(r"\b(?:are|r)\s+(?:you|u)\s+(?:just\s+|actually\s+|really\s+)?(?:an?\s+)?(?:real\s+)?"
                      r"(?:bot|robot|ai|a\.i\.|machine|computer|program|chatbot|real|human|person|alive)\b"
                      r"|\b(?:am\s+i|i'?m)\s+(?:talking|speaking|chatting|texting)\s+(?:to|with)\s+(?:an?\s+)?"
                      r"(?:bot|robot|ai|machine|computer|program|real\s+person|human)\b"
                      r"|\bis\s+this\s+(?:an?\s+)?(?:bot|robot|ai|automated|chatbot|real\s+person)\b"),
    "human": re.compile(r"\b(?:is|are)\s+(?:there\s+)?(?:someone|somebody|anyone|anybody|a\s+person|a\s+human|people)"
                        r"\s+real\b|\b(?:someone|somebody|anyone|anybody)\s+real\b|\breal\s+(?:person|human|people)\b"
                        r"|\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+)?(?:real\s+)?(?:person|human|someone\s+real)\b"),
    "goodbye": _whole(r"(?:(?:ok(?:ay)?|alright|thanks?(?:\s+you)?(?:\s+so\s+much|\s+again|\s+a\s+lot)?|ty|cheers)"
                      r"\W*\s*)*(?:bye(?:\s+bye)?|goodbye|good\s*night|gn|nite|night(?:\s+night)?|see\s+(?:you|ya)"
                      r"(?:\s+(?:later|tomorrow|soon))?|talk\s+(?:to\s+you\s+)?(?:later|soon|tomorrow)|ttyl|later|cya"
                      r"|take\s+care|i\s+(?:have|need|gotta|got)\s+to\s+(?:go|run|sleep|head\s+off)(?:\s+now)?"
                      r"|gotta\s+(?:go|run)|i'?m\s+(?:going\s+to|gonna)\s+(?:go|sleep|head\s+off|log\s+off)"
                      r"(?:\s+now)?|i'?m\s+(?:off|done\s+for\s+(?:today|tonight)))"
                      r"(?:\W*\s*(?:thanks?(?:\s+you)?|take\s+care|bye|for\s+now|now))*"),
    "thanks": _whole(r"(?:ok(?:ay)?\W*\s*)?(?:thanks?|thank\s+you|thx|ty|tysm|cheers|much\s+appreciated"
                     r"|i\s+appreciate\s+(?:it|you|that|this))(?:\s+(?:so|very)\s+much|\s+a\s+lot|\s+again"
                     r"|\s+for\s+(?:listening|this|that|everything|your\s+help|the\s+help|being\s+here|being\s+there))*"),
    "greeting": _whole(r"(?:hi|hello|hey|hiya|heya|yo|howdy|greetings|good\s+(?:morning|afternoon|evening))"
                       r"(?:\s+there|\s+again)?(?:\W*\s*(?:is\s+)?(?:any(?:one|body)|some(?:one|body))\s+"
                       r"(?:there|here|around|online))?|(?:is\s+)?(?:any(?:one|body)|some(?:one|body))\s+"
                       r"(?:there|here|around|online)|(?:are\s+(?:you|u)\s+)(?:still\s+)?(?:there|here|around|online)"
                       # The everyday "how are you", alone or after a hello: later in a conversation a question
                       # about the assistant (kind_of).
                       r"|(?:(?:hi|hello|hey|hiya|heya|ok(?:ay)?|well|so|good\s+(?:morning|afternoon|evening))"
                       r"(?:\s+there|\s+again)?\W*\s*)?(?:how\s+(?:are|r)\s+(?:you|u|ya)(?:\s+doing)?"
                       r"(?:\s+(?:today|tonight|this\s+(?:morning|afternoon|evening)))?|how'?s\s+it\s+going"
                       r"|how\s+(?:have|'ve)\s+you\s+been|what'?s\s+up|how\s+are\s+things)"),
    "unsure": _whole(r"i\s+don'?t\s+know|i\s+do\s+not\s+know|idk|dunno|not\s+sure|i'?m\s+not\s+sure|maybe|no\s+idea"
                     r"|who\s+knows|hard\s+to\s+say|i\s+guess|perhaps"),
    "no": _whole(r"no|nope|nah|not\s+really|no\s+not\s+really|not\s+at\s+all|never|not\s+yet|no\s+thanks"),
    "yes": _whole(r"yes|yeah|yep|yup|ya|yea|definitely|i\s+think\s+so|kind\s+of|kinda|sort\s+of|a\s+little|a\s+bit"
                  r"|exactly|absolutely|for\s+sure|i\s+do|i\s+have|i\s+did|sometimes"),
    "ok": _whole(r"ok(?:ay)?|k|kk|alright|all\s+right|i\s+see|got\s+it|fair\s+enough|hm+|mm+|right|sure|cool|fine"
                 r"|(?:that\s+)?makes\s+sense|true|oh|ah|lol|haha+|(?:yeah|yes)\s+ok(?:ay)?|ok(?:ay)?\s+(?:then|sure)"),
}
_ZH = {
    "bot": re.compile(r"你是(?:不是)?(?:一个)?(?:机器人|ai|人工智能|真人|程序|bot|自动回复)|是(?:不是)?机器人|是真人吗"
                      r"|你是人吗|(?:机器人|ai)吗"),
    "human": re.compile(r"真人|人工客服|转人工|活人|(?:和|跟)人(?:聊|说)"),
    "goodbye": re.compile(r"^\W*(?:好的?[，,。]?|谢谢(?:你|您|啦|了)?[，,。！!]?)*(?:再见|拜拜|拜|晚安|先这样|下次(?:再)?聊"
                          r"|回头(?:再)?聊|我先走了|我先下了|我(?:去|要)睡(?:觉)?了|先不聊了|改天(?:再)?聊)"),
    "thanks": re.compile(r"^\W*(?:好的?[，,]?)?(?:谢谢|感谢|多谢|谢啦|谢了)"),
    "greeting": re.compile(r"^\W*(?:你好|您好|嗨|哈喽|哈啰|在吗|在不在|有人吗|早上好|早安|晚上好|下午好|hello|hi)"),
    "unsure": re.compile(r"^\W*(?:不知道|不清楚|说不清|不确定|也许吧|可能吧|不好说|我也不知道)"),
    "no": re.compile(r"^\W*(?:不是|没有|没|不|不会|不太|并没有|还好)[\W]*$"),
    "yes": re.compile(r"^\W*(?:是的?|对的?|对啊|没错|有|会|确实|有一点|有点)[\W]*$"),
    "ok": re.compile(r"^\W*(?:好的?|嗯+|哦+|噢|行|可以|知道了|明白了?|好吧|懂了|哈哈+)[\W]*$"),
}
# The question kinds are read anywhere in a message; the others only as (nearly) the whole message.
_ANYWHERE = ("bot", "human")
# What people say back to a goodbye or to "anything else?": "you too", "no, that's all".
_LEAVING = {
    "en": _whole(r"(?:(?:and\s+)?(?:you|u)\s+too|same\s+to\s+(?:you|u)(?:\s+too)?|(?:no\W*\s*)?that'?s\s+(?:all|it)"
                 r"(?:\s+for\s+(?:now|today))?|nothing\s+else(?:\s+for\s+(?:now|today))?"
                 r"|i'?m\s+(?:all\s+)?(?:set|good)\s+(?:now|for\s+now|for\s+today))(?:\W*\s*(?:thanks?(?:\s+you)?))?"),
    "zh": re.compile(r"^\W*(?:你也是|你也一样|同样祝你|没有了|没别的了|就这些|就这样吧?)[\W]*(?:谢谢(?:你|您)?[\W]*)?$"),
}
# A step the person proposes themselves ("I guess I could call my sister", "maybe I'll talk to my mom",
# "我可以找姐姐聊聊"): affirmed, not read as a new situation. Only ways of reaching out or looking after oneself, in
# a message that names no danger and asks nothing: "I will call my sister and say goodbye" is never affirmed here.
OWN_STEP_WORDS = 16
_OWN_STEP = {
    "en": re.compile(r"^\W*(?:(?:ok(?:ay)?|well|hmm+|yeah|yes|so|um+)\W*\s*)*(?:i\s+guess\s+|maybe\s+|perhaps\s+"
                     r"|i\s+think\s+|i\s+suppose\s+)?i(?:\s+could|\s+might|\s+can|\s+will|'ll|\s+should|'m\s+going\s+to"
                     r"|\s+am\s+going\s+to)\s+(?:(?:try|start)\s+(?:to\s+|and\s+)?)?(?:call|talk|speak|ask|text|message|tell"
                     r"|see\s+(?:a|my|the)\s+(?:doctor|gp|counsel+or|therapist)|reach\s+out|visit|meet|book|join|contact"
                     r"|phone|email|go\s+for\s+a\s+(?:walk|run)|try\s+(?:the|a|an|some|out|going|joining)\s"
                     r"|go\s+(?:to|back\s+to)\s+(?:a|the|my)\s+(?:\w+\s+)?"
                     r"(?:gym|class|meetup|group|club|library|park|church)"
                     r"|get\s+some\s+(?:fresh\s+air|help)|look\s+for\s+(?:a\s+)?"
                     r"(?:counsel+or|therapist|support\s+group|help)"
                     # ...or of remembering and making something: "maybe I could make a little photo album of him".
                     r"|make\s+(?:a|an|some)\s+(?:\w+\s+){0,2}(?:album|scrapbook|collage|playlist|list|plan|memory\s+box)"
                     r"|write\s+(?:in\s+)?(?:a|my)\s+(?:journal|diary)|plant\s+(?:a|some)|light\s+a\s+candle)\b"),
    "zh": re.compile(r"^\W*(?:(?:好吧|嗯|那)\W*)?(?:也许|或许|我想|我觉得)?我?(?:可以|可能会|会|打算|准备|试着|试试)(?:试着|试试)?"
                     r"(?:给|跟|和|找|去找|联系|问问|约|先回|回家|回我|去我|去朋友|出去走走|去散散步)"),
}
# Words of danger: a message with one is never thanks, good news or a step of the person's own to affirm ("thanks
# for everything, I'll write a letter to my family"); it is read for risk like any other.
_DANGER_EN = (r"die|dead|death|kill|suicid|goodbye|farewell|note|letter|pills?|overdos|rope|gun|jump|cut|hurt|harm|gone"
              r"|bridge|forever|last\s+time|one\s+last|better\s+off|without\s+me|kms"
              r"|end\s+(?:it|things|everything|my\s+life)"
              # Calm after a decision is a warning sign, not good news: "I feel better now that I've made up my mind".
              r"|made\s+up\s+my\s+mind|my\s+decision|(?:how|when)\s+(?:i'?ll|i\s+will|i'?m\s+going\s+to|to)\s+do\s+it"
              r"|at\s+peace|(?:won'?t|not)\s+be\s+(?:around|here)")
_DANGER_ZH = r"死|自杀|自殺|结束|遗书|遺書|药|藥|跳|割|了断|告别|告別|最后"
_DANGER = {"en": re.compile(rf"\b(?:{_DANGER_EN})"), "zh": re.compile(_DANGER_ZH)}
# A step is not affirmed beside an ending either: "I'll call my sister and say bye", "...so I'm not around anymore".
_OWN_STEP_DANGER = {"en": re.compile(rf"\b(?:{_DANGER_EN}|end|ending|bye|sorry|any\s*more|disappear|away"
                                     r"|(?:not|never)\s+(?:be\s+)?(?:come|coming)\s+back)"),
                    "zh": _DANGER["zh"]}
# A goodbye inside a longer last message: "Thank you again. I'm going to wrap up the conversation. I'll be okay."
CLOSING_WORDS = 25
_CLOSING = {
    "en": re.compile(r"\b(?:bye|goodbye|good\s*night|have\s+a\s+(?:good|great|nice|lovely|wonderful|blessed)\s+"
                     r"(?:night|day|evening|weekend|one)|wrap(?:ping)?\s+(?:this|it|things|the\s+conversation)?\s*up"
                     r"|i'?ll\s+let\s+you\s+go|take\s+care(?!\s+of)|signing\s+off|logging\s+off"
                     r"|talk\s+(?:to\s+you\s+)?(?:later|soon|tomorrow)"
                     r"|i\s+(?:have|need|gotta|got)\s+to\s+(?:go|run)(?:\s+now)?(?=\W*$|\s*[,.!])"
                     # "I think I'll try to sleep now", "I'm going to try and get some rest.": the last words.
                     r"|\bi(?:'ll|\s+will|'m\s+going\s+to|'m\s+gonna|\s+am\s+going\s+to)\s+(?:try\s+(?:to|and)\s+)?"
                     r"(?:go\s+(?:to\s+)?)?(?:sleep|bed|get\s+some\s+(?:sleep|rest))(?:\s+now)?(?=\W*$))"),
    "zh": re.compile(r"再见|拜拜|晚安|先这样吧|下次再聊|我先下了|今天就聊到这"),
}

# A goodbye spoken of rather than said: "I didn't get to say goodbye", "she said bye to me", "no proper goodbye",
# "跟外婆道别". What is left once these are taken out is read for a closing.
_SPOKEN_OF = {
    "en": re.compile(r"\b(?:said|saying|says|told|waved)\s+(?:good\s*bye|bye)"
                     r"|\b(?:say|said|saying)\s+(?:good\s*bye|bye)s?\s+to\s+(?!you\b|u\b|everyone\b)"
                     r"|(?:n't|\b(?:didnt|dont|couldnt|wont|cant|not|never))\s+(?:\w+\s+){0,3}?say\s+(?:good\s*bye|bye)"
                     r"|\b(?:a|the|no|our|his|her|their|proper)\s+(?:good\s*bye|bye)s?\b"),
    "zh": re.compile(r"(?:没|没有|没能|来不及|没来得及|跟.{1,4}?)(?:说|说声|说一声)?(?:再见|拜拜)|道别|告别"),
}

# Thanks with a little more: "Thank you for talking with me. It made me feel better." Read as thanks only when one
# clause thanks and every other is as light (a plan, relief, praise, a closing): "Thanks. My mom died last week"
# has something to say, and so has anything with a question or a "but".
GRATITUDE_WORDS = 30
_THANKS_CLAUSE = {
    "en": re.compile(r"^\W*(?:ok(?:ay)?|well|oh)?\W*(?:thanks?|thank\s+(?:you|u)|thx|ty|tysm|many\s+thanks)\b"
                     r"|\bthank\s+(?:you|u)\s+(?:so\s+much\s+|very\s+much\s+|again\s+)?for\b"
                     r"|\bi\s+(?:really\s+|truly\s+)?appreciate\s+(?:it|you|that|this|your)\b"),
    "zh": re.compile(r"^\W*(?:好的?[，,]?)?(?:谢谢|感谢|多谢|谢啦|谢了)"),
}
_HEAVIER = {"en": re.compile(r"\?|\b(?:but|though|although|however|still|except)\b"),
            "zh": re.compile(r"[?？]|可是|但是|但|不过|还是|只是")}
_SO = r"(?:(?:so|very|really|truly|much|a\s+lot|a\s+bit|a\s+little)\s+)?"
# Light clauses: taking up an idea or a plan ("I'll try that", "that's a good idea", "I'll think about it")...
_ACCEPT_EN = (
    # ...the "I" often dropped in chat: "sure, will try".
    r"(?:i(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'m\s+gonna)|will|gonna)\s+(?:try|give|do|definitely|go|look|think|keep"
    r"|remember|start|reach|talk|use|check|take|call|text|message|ask|tell|write)",
    r"(?:this|that|it)\s+(?:really\s+|actually\s+|totally\s+)?makes?\s+sense",
    r"(?:that'?s|that\s+is|what)\s+a\s+(?:good|great|nice|lovely)\s+(?:idea|suggestion|point|thought)",
    rf"(?:no\W*\s*)?(?:that'?s|that\s+is)\s+{_SO}(?:great|good|fine|okay|wonderful|helpful|kind)",
)
# ...relief, and praise for the talk ("I feel a bit better now", "it really helps", "you've been so kind")...
_RELIEF_EN = (
    r"(?:this|that|it|you|talking|this\s+chat|our\s+chat)\s+"
    r"(?:(?:really|actually|has|have|did|does|truly|honestly)\s+)*"
    rf"(?:helps?|helped|been\s+{_SO}(?:helpful|great|kind|lovely|nice)|makes?\s+me\s+feel\s+better"
    rf"|made\s+me\s+feel\s+better|means?\s+a\s+lot|(?:is|was)\s+{_SO}(?:helpful|great|a\s+good\s+idea|kind|nice))",
    rf"(?:you'?re|you\s+are)\s+{_SO}(?:kind|helpful|great|sweet|the\s+best|a\s+good\s+listener)",
    rf"i\s+(?:feel|am\s+feeling|'m\s+feeling)\s+{_SO}(?:better|calmer|lighter|relieved|less\s+(?:anxious|stressed|alone))",
    # "a bit better", "calmer now": relief with the "I feel" that chat drops.
    r"(?:feeling\s+)?(?:(?:a\s+(?:bit|little|lot)|much|slightly|somewhat)\s+(?:better|calmer)(?:\s+now)?"
    r"|(?:better|calmer)\s+now)\W*$",
    r"i\s+think\s+i(?:'m|\s+am)\s+(?:okay|ok|fine|good|alright)|i(?:'m|\s+am)\s+(?:okay|ok|fine|good|alright)\s+now",
)
# ...and appreciation, or a bare "sure" beside one of them ("sure, will try").
_LIGHT_EN = (
    *_ACCEPT_EN, *_RELIEF_EN, r"(?:sure|ok(?:ay)?|yes|yeah|yep|alright)\W*$",
    rf"(?:i\s+)?{_SO}(?:do\s+)?appreciate\s+(?:it|you|that|this|your)",
    r"i\s+(?:really\s+)?(?:needed|need)\s+(?:that|this)(?:\s+(?:very\s+much|so\s+much|today|tonight))?\W*$",
)
_PLEASANTRY_EN = r"(?:you\s+)?too\W*$|happy\s+holidays|merry\s+christmas|happy\s+new\s+year"
_LIGHT_START_EN = r"^\W*(?:(?:and|so|ok(?:ay)?|yes|yeah|sure|i\s+think)\W*\s+)*"
_ACCEPT_ZH = r"我会试试|我试试|我会的|有道理|好主意|(?:主意|办法|建议)(?:不错|很好|挺好)"
_RELIEF_ZH = r"好多了|轻松(?:了|一些|一点|多了)|有帮助|有用|说出来|你真好|辛苦你了|舒服多了|受用|暖"
_LIGHT_CLAUSE = {
    "en": re.compile(_LIGHT_START_EN + "(?:" + "|".join((*_LIGHT_EN, _PLEASANTRY_EN)) + ")"),
    "zh": re.compile(_RELIEF_ZH + "|" + _ACCEPT_ZH),
}
# Good news without thanks: every clause light, no "but", no question, no word of danger ("I'll go to the bridge" is
# never taken as good news); `relief` when one clause is relief or praise, else `accepts` when one takes up an idea
# or a plan (a "merry christmas" alone is neither).
_RELIEF_CLAUSE = {"en": re.compile(_LIGHT_START_EN + "(?:" + "|".join(_RELIEF_EN) + ")"), "zh": re.compile(_RELIEF_ZH)}
_ACCEPT_CLAUSE = {"en": re.compile(_LIGHT_START_EN + "(?:" + "|".join(_ACCEPT_EN) + ")"), "zh": re.compile(_ACCEPT_ZH)}
_LETTERS = re.compile(r"[^\W\d_]")


def kind_of(text: str, *, language: str, first: bool) -> str:
    """The kind of short turn `text` is, or "" when it has something to say."""
    lowered = text.lower().replace("\u2019", "'")
    if lowered and not _LETTERS.search(lowered):
        return "emoji"  # emoji, ":(", "..." — no words at all
    zh = language == "zh"
    patterns = _ZH if zh else _EN
    for kind in _ANYWHERE:
        if patterns[kind].search(lowered):
            return kind
    words = len(text) // 2 if zh else len(re.findall(r"\w+", lowered))
    too_long = len(text) > SHORT_CHARS_ZH if zh else words > SHORT_WORDS
    key = "zh" if zh else "en"
    if not too_long:
        for kind, pattern in patterns.items():
            if kind not in _ANYWHERE and pattern.search(lowered):
                if kind == "greeting" and asking.asks_for_ideas(lowered, key):
                    break  # "你好，我该怎么办？": the hello comes with a request
                if kind == "greeting" and not first:
                    # "hi again" picks up where things were; "how are you?" mid-conversation asks about the assistant.
                    return "about_me" if asking.about_me_only(lowered, key) else "greeting_again"
                return kind
        if _LEAVING[key].search(lowered):
            return "goodbye"
    if words <= CLOSING_WORDS and _CLOSING[key].search(_SPOKEN_OF[key].sub(" ", lowered)):
        return "goodbye"  # "have a good night", or a goodbye at the end of a longer message
    if words <= OWN_STEP_WORDS and _own_step(lowered, key):
        return "own_step"
    if words <= GRATITUDE_WORDS and _grateful(lowered, key):
        return "thanks"
    if words <= GRATITUDE_WORDS and (light := _light(lowered, key)):
        return light
    if asking.about_me_only(lowered, key):
        return "about_me"  # "how are you?", "I'm good, how about you?", "do you have kids?"
    return ""


def _own_step(lowered: str, language: str) -> bool:
    # "I could tell my mom but she would just yell at me" names a barrier, not a step.
    if "?" in lowered or "？" in lowered or re.search(r"\bbut\b|\bthough\b|但是|可是", lowered) \
            or not _OWN_STEP[language].search(lowered):
        return False
    return not _OWN_STEP_DANGER[language].search(lowered)


def _grateful(lowered: str, language: str) -> bool:
    """A message that thanks and says nothing heavier: one of its clauses thanks, the others are light."""
    if _DANGER[language].search(lowered):
        return False
    parts = _clauses(lowered, language)
    patterns = (_THANKS_CLAUSE[language], _LIGHT_CLAUSE[language], _CLOSING[language], _LEAVING[language])
    return any(_THANKS_CLAUSE[language].search(p) for p in parts) and all(
        any(pattern.search(part) for pattern in patterns) for part in parts)


def _light(lowered: str, language: str) -> str:
    """"relief" or "accepts" for a message that says nothing heavier than relief, praise, a plan or a yes to an
    idea, with no word of danger; "" otherwise."""
    parts = _clauses(lowered, language)
    patterns = (_LIGHT_CLAUSE[language], _CLOSING[language], _LEAVING[language])
    if _DANGER[language].search(lowered) or not all(any(p.search(part) for p in patterns) for part in parts):
        return ""
    if any(_RELIEF_CLAUSE[language].search(part) for part in parts):
        return "relief"
    return "accepts" if any(_ACCEPT_CLAUSE[language].search(part) for part in parts) else ""


def _clauses(lowered: str, language: str) -> list[str]:
    """The clauses of a message with nothing heavier in it (no question, no "but"); none when there is."""
    if _HEAVIER[language].search(lowered):
        return []
    return [p for p in re.split(r"[.!;,。！；，、\n]+", lowered) if p.strip()]
