"""What a message asks of the assistant itself: ideas for what to do ("any suggestions?", "what should I do?",
"我该怎么办？"), something about the assistant ("how are you?", "have you ever felt like this?", "你有孩子吗？"),
help through panic happening now ("my heart is racing and I can't breathe"), or whether a feeling is normal.

A request counts only where it is asked: at the start of a clause, or after "so", "but", "and" ("I'm still in
school, so what can I do?"). The same words reported or known are not a request to the assistant: "my mum keeps
asking what I should do with my life", "I don't know what to do", "我妈总问我以后怎么办". Being stuck is said,
not asked; the phase answers it (inference/dialogue/policy.py).

Rules, not a model, like understanding.py: a miss costs an exploring question where ideas were wanted.
"""

from __future__ import annotations

import re

SUGGESTION = "suggestion"
ABOUT_ME = "about_me"
# Panic happening as the person writes ("my heart is racing and I can't breathe", "I'm having a panic attack"):
# not a question, but what it asks for is help through the next minutes, before any exploring.
GROUNDING = "grounding"
# Whether a feeling is normal ("is it normal to feel angry?", "am I overreacting?", "这样正常吗？"): a plain,
# honest yes-it-is-common before anything else.
NORMAL = "normal"
# The asks the library answers with entries of their own (library.answers).
ANSWERED = (GROUNDING, NORMAL)

# Where a question may start, and the small words that may come before it ("ok so, what should I do?").
_START_EN = r"(?:^|[.!?;:,\n(]|\b(?:so|but|and|then|now|or|because|cause|cuz)\b)\s*"
_FILLERS_EN = (r"(?:(?:so|but|and|then|now|ok(?:ay)?|well|yes|yeah|yea|no|hmm+|um+|uh+|honestly|seriously|anyway"
               r"|please|sorry|lol|just|also|hey|hi|hello|oh|ah|idk|i\s+mean|tell\s+me|thanks?|thank\s+you|really)"
               r"\W*\s+)*")
_START_ZH = r"(?:^|[，。！？、；：,.!?;:\s…~～]|那么?|所以|可是|但是|不过|对了|请问|话说)\s*(?:那么?|所以|请问|嗯+|唉|哎)?\s*"

_IDEAS_EN = r"(?:advice|advise|suggestions?|ideas?|tips?|recommendations?|strateg(?:y|ies)|ways?|techniques?|input)"
_SUGGESTION_EN = (
    # "what should I do?", "what can I do about it?", "what do I do now?"
    r"what\s+(?:else\s+)?(?:should|can|could|shall|do|must)\s+i\s+(?:even\s+|possibly\s+|actually\s+|really\s+)?"
    r"(?:do|try)\b|(?:is\s+there\s+)?anything\s+else\s+i\s+(?:can|could|should|might)\s+(?:do|try)\b",
    # "how do I deal with this?", "how can I stop overthinking?", "how do I tell my parents?"
    r"how\s+(?:do|can|could|should|would|shall|might|will)\s+i\s+(?:even\s+|possibly\s+|ever\s+|actually\s+|best\s+)?"
    r"(?:deal|cope|handle|manage|get\s+(?:over|through|past|better|rid|out|myself)|stop|move\s+on|fix|approach"
    r"|go\s+about|overcome|tell|talk|feel\s+better|calm|improve|change|start|find|motivate|focus|relax|forgive"
    r"|let\s+go|face|survive|work\s+on|bring\s+(?:it|this|that)\s+up|ask|convince|be\s+(?:less|more|happier|better)"
    r"|not\s+(?:feel|be|think)|show|help|support|make|meet|get|keep|avoid|prepare|rebuild|reconnect|apologi[sz]e"
    r"|explain|say|know|trust|sleep|cheer)\b",
    r"how\s+to\s+(?:deal|cope|handle|manage|get\s+over|get\s+through|overcome|stop|move\s+on|feel\s+better)\b",
    # "what are some ways to cope?", "what's the best way to handle it?"
    r"what(?:'s|\s+is|\s+are)\s+(?:some|the\s+best|a\s+good|any|other|good|the)\s+"
    r"(?:ways?|things?|steps?|strateg(?:y|ies)"
    r"|options?|ideas?)\s+(?:i|to)\b",
    # "do you have any advice?", "do you have idea to make me more happy?", "do you know any tips?"
    r"(?:do|would|could|can|did)\s+(?:you|u)\s+(?:have|got|know(?:\s+of)?|recommend|suggest|offer)\s+"
    rf"(?:(?:any|some|an?|a\s+few)\s+)?(?:(?:other|more|good|further|helpful|practical)\s+)?(?:[a-z]+\s+)?{_IDEAS_EN}\b",
    # "can you give me some advice?", "would you be able to suggest something?", "could you tell me what to do?"
    r"(?:can|could|would|will)\s+(?:you|u)\s+(?:be\s+able\s+to\s+)?(?:please\s+)?(?:give|offer|share|suggest|recommend"
    r"|tell|show)\s+(?:me\s+)?(?:(?:some|any|an?|a\s+few|your)\s+)?(?:advice|advise|suggestions?|ideas?|tips?"
    r"|something|anything|what\s+(?:to|i\s+(?:should|can|could))\s+do|how\s+(?:to|i\s+(?:can|could|should))\b)",
    r"(?:can|could|would)\s+(?:you|u)\s+help\s+me\s+"
    r"(?:figure\s+out|decide|find|think\s+of|work\s+out|come\s+up\s+with)",
    # "what do you suggest?", "how do you suggest I proceed?", "what would you do?", "what worked for you?"
    r"what\s+(?:do|would|can|could)\s+(?:you|u)\s+(?:suggest|recommend|advise|propose)",
    # "what suggestions do you have?", "what other distractions can you recommend?"
    rf"what\s+(?:(?:other|else|more)\s+)?{_IDEAS_EN}\s+(?:do|would|could|can)\s+(?:you|u)\s+"
    r"(?:have|give|offer|share)\b",
    r"what\s+(?:(?:other|else|more)\s+)?(?:[a-z]+\s+)?(?:do|would|could|can)\s+(?:you|u)\s+"
    r"(?:suggest|recommend|advise)",
    r"how\s+(?:do|would)\s+(?:you|u)\s+suggest",
    r"what\s+would\s+(?:you|u)\s+do\b|if\s+(?:you|u)\s+were\s+(?:me|in\s+my\s+(?:shoes|place|position))",
    r"what\s+do\s+(?:you|u)\s+think\s+i\s+(?:should|can|could)\s+do",
    r"how\s+did\s+(?:you|u)\s+(?:deal|cope|get\s+(?:through|over|past)|manage|handle|overcome|move\s+on|snap\s+out"
    r"|come\s+out)\b|what\s+did\s+(?:you|u)\s+do\s+(?:to|when|about|after)\b|what\s+worked\s+for\s+(?:you|u)\b",
    # "any suggestions?", "some advice please", "any ideas on how to sleep?" (not "some advice she gave me")
    rf"(?:any|some|other|more)\s+(?:(?:other|more|good|new|further)\s+)?(?:[a-z]+\s+)?{_IDEAS_EN}"
    r"(?=\W*$|\s*\?|\s+(?:for|on|about|please|to|that|you|would|here|at\s+all)\b)",
    r"(?:advice|suggestions?|ideas|tips)\s+(?:are\s+|is\s+)?(?:very\s+)?(?:welcome|appreciated)",
    # "I'd love some suggestions", "I need some advice", "I was hoping to get some ideas"
    r"(?:i'?d|i\s+would)\s+(?:really\s+)?(?:love|like|appreciate|welcome|value)\s+(?:(?:some|any|your|a|few|hearing|to"
    rf"|hear|get|have|of|those|these|the|more|other)\s+)*{_IDEAS_EN}\b",
    r"i\s+(?:really\s+|just\s+)?(?:need|want|could\s+use|was\s+hoping\s+(?:for|to\s+get)|came\s+(?:here\s+)?for)\s+"
    rf"(?:(?:some|any|your|a\s+little|a\s+bit\s+of|a\s+few|more)\s+)?(?:{_IDEAS_EN}|guidance)\b",
    rf"i(?:'m|\s+am)\s+looking\s+for\s+(?:(?:some|any|a\s+few|more)\s+)?(?:{_IDEAS_EN}|guidance)\b",
    r"is\s+there\s+(?:anything|something|any\s+way|a\s+way)\s+(?:else\s+)?"
    r"(?:i\s+(?:can|could|should)\s+do|that\s+(?:might"
    r"|could|would)\s+help|to\s+(?:help|make|stop|fix|feel))",
    r"where\s+(?:do|should|can)\s+i\s+(?:even\s+)?(?:start|begin)\b",
    # "what should I say?", "what can I tell them?"
    r"what\s+(?:should|can|could|do|shall)\s+i\s+(?:even\s+)?(?:say|tell|write|text|ask)\b",
    # "should I call her directly?", "shall I try this?": asked about a step, never about a danger.
    r"(?:should|shall)\s+i\s+(?!(?:[a-z]+\s+){0,2}(?:die\b|kill|end\b|hurt|cut\b|disappear|give\s+up|go\s+away"
    r"|stop\s+(?:eating|living|taking)|even\s+(?:be|live|exist|bother)|be\s+(?:here|alive|dead|gone)))[a-z]+",
    # "can you recommend a good site?", "do you recommend joining a club?"
    r"(?:can|could|would|do)\s+(?:you|u)\s+recommend\b",
    # "where would I find a parenting forum?", "is there any resource you can refer me to?"
    r"where\s+(?:can|could|would|do|should|might)\s+i\s+(?:find|get|look|go)\b",
    r"(?:is|are)\s+there\s+(?:any|some|other|a|an)\s+(?:(?:other|good|particular|specific|free|local|online)\s+)?"
    r"(?:resources?|sites?|websites?|apps?|books?|groups?|programs?|services?|places?|tactics|ways?|things?"
    r"|strateg(?:y|ies)|techniques?|options?|exercises?)\b",
)
_COURTESY_EN = (
    # The everyday "how are you": on a first turn, part of saying hello (understanding.py, "greeting").
    r"how\s+(?:are|r)\s+(?:you|u|ya)\b(?!\s+(?:supposed|meant|going|gonna|able|so|even|not|allowed|expected))",
    r"how\s+(?:have|'ve)\s+you\s+been\b|how'?s\s+it\s+going\b|how(?:'s|\s+is|\s+was)\s+(?:your|ur)\s+"
    r"(?:day|week|weekend|night|evening|morning|life)\b",
)
_ABOUT_ME_EN = (
    r"(?:how|what)\s+about\s+(?:you|u|yourself)\b|(?<=and\s)(?:you|u|yourself)\W*$",
    r"(?:you|u|yourself|hbu|wbu)\s*\?",
    r"\b(?:hbu|wbu)\b",
    # "have you ever felt like this?", "have you been through something like it?"
    r"(?:have|had)\s+(?:you|u)\s+(?:ever\s+|also\s+|yourself\s+)?(?:felt|had|experienced|gone\s+through|went\s+through"
    r"|dealt|lost|struggled|suffered|faced|ran\s+into|run\s+into|come\s+across|encountered|been\s+(?:through|there"
    r"|in\s+(?:a|this|that|my|such)|like\s+this|married|divorced|depressed|sad|lonely|dumped|fired|bullied|cheated))\b",
    r"(?:did|do|does|were|are)\s+(?:you|u)\s+(?:ever|also)\s+"
    r"(?:feel|felt|have|go\s+through|experience|get|deal|struggle"
    r"|lose|think)\b|(?:you|u)\s+(?:ever|also)\s+(?:felt|feel|been|had)\b",
    r"(?:do|did|does|can)\s+(?:you|u)\s+(?:ever\s+)?(?:feel|get)\s+(?:lonely|sad|tired|stressed|anxious|bored|happy"
    r"|depressed|scared|angry|hurt|anything|emotions?|feelings?)\b",
    r"(?:has|had)\s+(?:that|this|it|something\s+like\s+(?:this|that))\s+(?:ever\s+)?happened\s+to\s+(?:you|u)\b",
    r"(?:is|was)\s+it\s+(?:the\s+)?same\s+for\s+(?:you|u)\b|(?:can|do)\s+(?:you|u)\s+relate\b",
    # "how did you get through it?", "how long did it take you?"
    r"how\s+did\s+(?:you|u)\s+(?:deal|cope|get|manage|handle|overcome|survive|feel|do\s+it|move|snap|come|recover"
    r"|find)\b|what\s+did\s+(?:you|u)\s+do\b",
    r"how\s+long\s+did\s+(?:it|that)\s+take\s+(?:you|u)\b|how\s+long\s+(?:have|did)\s+(?:you|u)\b",
    # "do you have kids?", "are you married?", "how old are you?", "what are your hobbies?"
    r"do\s+(?:you|u)\s+have\s+(?:(?:any|a|an|your\s+own)\s+)?(?:kids|children|family|siblings|brothers?|sisters?"
    r"|parents|partner|wife|husband|boyfriend|girlfriend|friends|pets?|dogs?|cats?|job|feelings|emotions|hobbies"
    r"|life|name|body)\b",
    r"are\s+(?:you|u)\s+(?:(?:too|very|really|also)\s+)?(?:married|single|okay|ok|alright|happy|lonely|sad|tired|busy"
    r"|stressed|from|male|female|old|young|a\s+(?:student|counsel+or|therapist|psychologist|volunteer|parent"
    r"|mom|dad|mother|father|man|woman|guy|girl|boy|doctor|professional))\b(?!\s+with\b)",
    r"how\s+old\s+(?:are|r)\s+(?:you|u)\b|where\s+(?:are|r)\s+(?:you|u)\s+from\b|where\s+do\s+(?:you|u)\s+live\b",
    r"what(?:'s|\s+is|\s+are)\s+(?:your|ur)\s+(?:name|age|story|job|life|day|favou?rite|hobbies|interests|plans)\b",
    r"what\s+(?:are|r)\s+(?:you|u)\s+(?:doing|studying|majoring|up\s+to)\b(?!\s+(?:to|with)\s+me)",
    r"what\s+do\s+(?:you|u)\s+(?:do|like|enjoy)\s+(?:for\s+(?:fun|a\s+living|work)|doing)\b",
    r"(?:tell|say)\s+me\s+(?:a\s+bit\s+|a\s+little\s+|something\s+)?about\s+(?:you|yourself)\b",
    r"(?:who|what)\s+(?:are|r)\s+(?:you|u)\s*(?:\?|$)",
)

_SUGGESTION_ZH = (
    # "我该怎么办", "那我以后怎么办呢", "我该怎么做", "要怎么跟妈妈说", "怎么才能睡着"
    r"(?:我们?|你说我|你觉得我)?(?:现在|以后|接下来|到底|究竟|又|还|该|应该|要|能|可以|得|才)*(?:怎么办|怎么样才好"
    r"|(?:怎么|怎样|如何)(?:做|处理|面对|应对|解决|调整|缓解|改变|走出来|摆脱|开口|说|办|才能|才好|跟.{1,4}?说|和.{1,4}?说))",
    # "你有什么建议吗", "有没有什么办法", "还有别的办法吗"
    r"你?(?:还)?有(?:没有(?:什么|啥)?|什么|啥|哪些)(?:好的?|别的|其他的?)?(?:建议|办法|方法|主意|招|思路)"
    r"|你?(?:还)?有(?:好的?|别的|其他的?)?(?:建议|办法|方法|主意)吗",
    # "能给我一些建议吗", "帮我出个主意", "求支招"
    r"(?:你)?(?:能|可以|可不可以|能不能)?(?:给|帮)我(?:一些|一点|点|些|提|出|想)?(?:个|些|点)?(?:建议|意见|主意|办法)",
    r"求(?:建议|办法|支招|指点)",
    r"(?:如果是你|换(?:做|成)是你|要是你)[，,]?\s*你?会怎么(?:做|办)|你会怎么(?:做|办)",
    r"你(?:是)?(?:怎么|如何)(?:走出来|熬过来|挺过来|处理|面对|应对|调整)的",
)
_COURTESY_ZH = (r"(?:那)?你(?:最近|今天)?(?:好吗|怎么样|还好吗|过得(?:怎么样|好吗|还好吗))",)
_ABOUT_ME_ZH = (
    r"(?:那)?你呢",
    r"你(?:也|有没有|曾经|以前|自己)*(?:有过|经历过|遇到过|碰到过|体会过|感受过)",
    r"你(?:是)?(?:怎么|如何)(?:走出来|熬过来|度过|挺过来|处理|面对|应对|做到|调整)的",
    r"你(?:也)?(?:会)?(?:觉得)?(?:孤独|难过|伤心|累|焦虑|开心|寂寞|难受|烦)吗",
    r"你(?:有|有没有)(?:孩子|小孩|家人|男朋友|女朋友|老公|老婆|对象|朋友|宠物|感情|情绪|名字|爸妈|父母)",
    r"你(?:结婚了|多大|几岁|是哪里人|住在哪|是做什么的|做什么工作|是学生|是心理(?:咨询师|医生)|喜欢什么|平时(?:做|干)什么"
    r"|叫什么|是谁)",
    r"你(?:花了|用了)多(?:久|长时间)|你(?:多久|多长时间)才",
)


# Said in the present: "I can't breathe", "my heart is pounding", "I'm having a panic attack right now". Not "I
# had a panic attack yesterday", "my heart raced all through the exam" or "I couldn't breathe when he left".
_PANIC_NOW = {
    "en": re.compile(
        r"\b(?:i\s+)?(?:can'?t|cannot|can\s+not)\s+(?:really\s+|properly\s+)?"
        r"(?:breathe|catch\s+my\s+breath|stop\s+shaking)"
        r"|\bmy\s+(?:heart|chest|hands?)\s+(?:is|are|'s|keeps?)\s+(?:\w+\s+)?"
        r"(?:racing|pounding|beating\s+so\s+fast|tight|shaking|trembling)"
        r"|\b(?:i'?m|i\s+am|i\s+think\s+i'?m)\s+(?:\w+\s+)?(?:having|in\s+the\s+middle\s+of)\s+"
        r"(?:a\s+|another\s+)?panic"
        r"|\bpanic\s+attack\s+(?:right\s+)?now\b|\b(?:i'?m|i\s+am)\s+(?:\w+\s+)?hyperventilating"
        r"|\b(?:i'?m|i\s+am)\s+(?:shaking|trembling)\s+(?:and|so)\b"),
    "zh": re.compile(r"喘不(?:过|上)气|呼吸不(?:过来|上来)|心跳(?:得)?(?:好|很|特别|非常)?快|心(?:慌|砰砰)(?:得)?(?:厉害|停不下来)?"
                     r"|(?:正在|又)(?:惊恐|恐慌)发作|手(?:一直|在)?(?:发)?抖(?:个不停|停不下来)"),
}


_NORMAL = {
    "en": re.compile(
        r"\bis\s+(?:it|this|that)\s+(?:\w+\s+)?(?:normal|okay|ok|weird|wrong|bad|strange|common)\s+"
        r"(?:to\s+(?:feel|be|still|cry|miss|want)|that\s+i|for\s+me\s+to|if\s+i)\b"
        r"|\bam\s+i\s+(?:\w+\s+)?(?:crazy|weird|overreacting|abnormal|a\s+bad\s+person)\b"
        r"|\bdoes\s+any(?:one|body)\s+else\s+(?:feel|get)\b|\bis\s+(?:this|that|it|what\s+i'?m\s+feeling)\s+normal\b"),
    "zh": re.compile(r"正常吗|是不是正常|算正常|是不是(?:不正常|很奇怪)|我是不是(?:疯了|太敏感|太矫情|想太多|有问题|反应过度)"),
}


# "Is it normal to want to die?" is not answered "many people feel this": it is read for risk, and the crisis flow
# and the screening question answer it.
_DANGER = {"en": re.compile(r"\b(?:die|dying|dead|death|kill|suicid|hurt\s+my|harm|cut|end\s+(?:it|my|things)|give\s+up"
                            r"|disappear|not\s+(?:wake|be\s+here|exist|live|alive)|burden|pills|overdos)"),
           "zh": re.compile(r"死|自杀|自殺|伤害自己|割|结束|消失|活着|活下去|不想活|轻生|跳楼|药")}


def panics_now(lowered: str, language: str) -> bool:
    return bool(_PANIC_NOW["zh" if language == "zh" else "en"].search(lowered))


def _compiled(start: str, fillers: str, patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile(start + fillers + "(?:" + "|".join(patterns) + ")")


_SUGGESTION = {"en": _compiled(_START_EN, _FILLERS_EN, _SUGGESTION_EN),
               "zh": _compiled(_START_ZH, "", _SUGGESTION_ZH)}
_COURTESY = {"en": _compiled(_START_EN, _FILLERS_EN, _COURTESY_EN), "zh": _compiled(_START_ZH, "", _COURTESY_ZH)}
_ABOUT_ME = {"en": _compiled(_START_EN, _FILLERS_EN, _ABOUT_ME_EN), "zh": _compiled(_START_ZH, "", _ABOUT_ME_ZH)}

# What may come with a question about the assistant in a message that says nothing else: "I'm good, how about
# you?", "It is treating me pretty well. How about you?". A word outside these (and one more at most: "damn")
# is something to say.
_SMALL_TALK_EN = frozenset(
    "i i'm im am me my doing pretty not all it it's its is things are been yes yeah yep no ok okay fine good great "
    "well alright thanks thank you for asking same bad so hi hello hey going treating really very quite too also as "
    "today tonight and but just like this that mine a an the such something similar situation before ever lately "
    "recently now here there oh ah well thx cheers lol haha".split())
_SMALL_TALK_ZH = re.compile(r"^[\W我还挺很都好的不错嗯哦谢谢你关心问呀啊吧也一般就那样老子行吗呢这种过感觉]*$")


def asks_for_ideas(lowered: str, language: str) -> bool:
    return bool(_SUGGESTION["zh" if language == "zh" else "en"].search(lowered))


def asks_of(lowered: str, language: str, *, first: bool) -> tuple[str, ...]:
    """What `lowered` (the message, lowercased, straight apostrophes) asks of the assistant: SUGGESTION, ABOUT_ME,
    both or neither. On a first turn the everyday "how are you" is part of saying hello, not a question to answer."""
    key = "zh" if language == "zh" else "en"
    asks = []
    if asks_for_ideas(lowered, key):
        asks.append(SUGGESTION)
    if _ABOUT_ME[key].search(lowered) or (not first and _COURTESY[key].search(lowered)):
        asks.append(ABOUT_ME)
    if panics_now(lowered, key):
        asks.append(GROUNDING)
    if _NORMAL[key].search(lowered) and not _DANGER[key].search(lowered):
        asks.append(NORMAL)
    return tuple(asks)


def about_me_only(lowered: str, language: str) -> bool:
    """A question about the assistant and little else: "how are you?", "I'm good, how about you?", "你呢？"
    (a courtesy counts here, on any turn). Not when it also asks for ideas ("how did you get through it?")."""
    key = "zh" if language == "zh" else "en"
    if asks_for_ideas(lowered, key):
        return False
    spans = [m.span() for pattern in (_ABOUT_ME[key], _COURTESY[key]) for m in pattern.finditer(lowered)]
    if not spans:
        return False
    rest = "".join(ch for i, ch in enumerate(lowered) if not any(start <= i < end for start, end in spans))
    if key == "zh":
        return bool(_SMALL_TALK_ZH.match(rest))
    words = re.findall(r"[a-z']+", rest)
    return len([word for word in words if word not in _SMALL_TALK_EN]) <= 1
