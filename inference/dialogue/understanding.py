"""What one message is, as the dialogue manager needs it: a short turn of a known kind ("bye", "ok", "are you a
bot?") or a message with something to say; and the people, topics and feelings the person named in it, said the
way the reply will say them back ("my boss" → "your boss", "我妈妈" → "你妈妈"; a name stays a name).

Rules, not a model: they are read the same on every worker, tested sentence by sentence, and a miss costs only a
plainer reply (the message is then answered as one with something to say).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from inference.dialogue import asks as asking

# The kinds of short turn, answered from the library's [[turn]] entries (docs/replies.md, "Short turns").
KINDS = ("greeting", "greeting_again", "thanks", "goodbye", "ok", "yes", "no", "unsure", "emoji", "bot", "human",
         "about_me", "own_step", "relief", "accepts")
# A short turn is the whole message: a longer one that starts with "hi" or ends with "thanks" says more.
SHORT_WORDS = 8
SHORT_CHARS_ZH = 12


@dataclass(frozen=True)
class Understanding:
    language: str
    kind: str = ""  # one of KINDS, or "" for a message with something to say
    people: tuple[str, ...] = ()  # as the reply says them: "your boss", "Max", "你妈妈"
    topics: tuple[str, ...] = ()  # as the reply says them: "work", "your exams", "考试"
    feelings: tuple[str, ...] = ()  # the reflected phrases of the feeling words the person used (not negated)
    # What the message asks of the assistant (asks.py): ideas ("suggestion"), or about itself ("about_me").
    asks: tuple[str, ...] = ()

    @property
    def short(self) -> bool:
        return bool(self.kind)


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
                     r"|phone|email|go\s+for\s+a\s+(?:walk|run)|get\s+some\s+(?:fresh\s+air|help)|look\s+for\s+(?:a\s+)?"
                     r"(?:counsel+or|therapist|support\s+group|help))\b"),
    "zh": re.compile(r"^\W*(?:(?:好吧|嗯|那)\W*)?(?:也许|或许|我想|我觉得)?我?(?:可以|可能会|会|打算|准备|试着|试试)(?:试着|试试)?"
                     r"(?:给|跟|和|找|去找|联系|问问|约)"),
}
# Words of danger: a message with one is never thanks, good news or a step of the person's own to affirm ("thanks
# for everything, I'll write a letter to my family"); it is read for risk like any other.
_DANGER_EN = (r"die|dead|death|kill|suicid|goodbye|farewell|note|letter|pills?|overdos|rope|gun|jump|cut|hurt|harm|gone"
              r"|bridge|forever|last\s+time|one\s+last|better\s+off|without\s+me|kms"
              r"|end\s+(?:it|things|everything|my\s+life)")
_DANGER_ZH = r"死|自杀|自殺|结束|遗书|遺書|药|藥|跳|割|了断|告别|告別|最后"
_DANGER = {"en": re.compile(rf"\b(?:{_DANGER_EN})"), "zh": re.compile(_DANGER_ZH)}
# A step is not affirmed beside an ending either: "I'll call my sister and say bye", "...so I'm not around anymore".
_OWN_STEP_DANGER = {"en": re.compile(rf"\b(?:{_DANGER_EN}|end|ending|bye|sorry|any\s*more)"), "zh": _DANGER["zh"]}
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
    r"i(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'m\s+gonna)\s+(?:try|give|do|definitely|go|look|think|keep"
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
    r"i\s+think\s+i(?:'m|\s+am)\s+(?:okay|ok|fine|good|alright)|i(?:'m|\s+am)\s+(?:okay|ok|fine|good|alright)\s+now",
)
# ...and appreciation.
_LIGHT_EN = (
    *_ACCEPT_EN, *_RELIEF_EN,
    rf"(?:i\s+)?{_SO}(?:do\s+)?appreciate\s+(?:it|you|that|this|your)",
    r"i\s+(?:really\s+)?(?:needed|need)\s+(?:that|this)(?:\s+(?:very\s+much|so\s+much|today|tonight))?\W*$",
)
_PLEASANTRY_EN = r"(?:you\s+)?too\W*$|happy\s+holidays|merry\s+christmas|happy\s+new\s+year"
_LIGHT_START_EN = r"^\W*(?:(?:and|so|ok(?:ay)?|yes|yeah|i\s+think)\W*\s+)*"
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
_LETTERS = re.compile(r"[^\W\d_]")


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
    return Understanding(language=language, kind=kind, people=people, topics=topics, feelings=named, asks=asks)


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
    if words <= CLOSING_WORDS and _CLOSING[key].search(lowered):
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
