"""Replies as conversations: the dialogue manager and the curated library over real support conversations.

ESConv dev (Liu et al., ACL 2021; CC BY-NC 4.0, measured only, never trained on): every help-seeker message
through `replay` (the chat's whole pipeline), then
- strategy agreement: each planned reply's strategy against the strategy the human supporter used next
  [> 0.31, what MISC reported]; beside it, the agreement of always answering with the supporters' most common
  strategy, the reference any policy must beat;
- sentences said twice within a conversation [0]; pairs of replies within ten turns with MiniLM cosine ≥ 0.9 [0];
- greetings after the first turn [0]; goodbyes answered with a close, without a question [100%];
- semantic similarity (MiniLM cosine) of each reply to the supporter's actual reply, against the same replies
  shuffled across turns: both, and the margin.
SMILE (CC0, Chinese): the client turns of a sample of dialogues: the share answered in Chinese [100%].
Twenty sampled exchanges are written to bench/results/dialogue_samples.jsonl, every exchange to
dialogue_exchanges.jsonl, and the strategies used (ours, the supporters', and how they pair), the sentences said
twice and the near-duplicate replies to dialogue_strategies.json (none kept in git), to read by hand.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter

import numpy as np

from bench import replaying
from bench.figures import Figure
from conversations.chat import replay
from inference.dialogue.language import detect
from inference.dialogue.state import sentence_key, sentences
from inference.dialogue.turns import kind_of
from inference.modeling.checkpoints import base_model_path

SMILE_DIALOGUES = 100
SAMPLES = 20
NEAR_TURNS = 10
NEAR_COSINE = 0.9
# ESConv's strategy names, as emochat stores them (inference/dialogue/policy.py STRATEGIES).
ESCONV_STRATEGIES = {"Questions": "question", "Question": "question", "Restatement or Paraphrasing": "restatement",
                     "Reflection of feelings": "reflection", "Self-disclosure": "self_disclosure",
                     "Affirmation and Reassurance": "affirmation", "Providing Suggestions": "suggestion",
                     "Information": "information", "Others": "other", "Other": "other"}
GREETING = re.compile(r"^\W*(?:hi|hello|hey|welcome)\b|\band welcome\b|^\W*(?:你好|您好|嗨)|欢迎你来|欢迎来到", re.I)


def _encoder():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(base_model_path(), device="cpu")


def _embed(encoder, texts: list[str]) -> np.ndarray:
    return encoder.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
                          batch_size=64)


def esconv(encoder) -> tuple[list[Figure], list[dict]]:
    agree = planned = repeated = near = greetings = goodbyes = closed = 0
    human_strategies: Counter = Counter()
    pairs_by_strategy: Counter = Counter()  # (ours, the supporter's)
    pairs: list[tuple[str, str]] = []
    exchanges_out: list[dict] = []
    twice: list[str] = []  # the sentences said twice and the near-duplicate replies, to read by hand
    alike: list[str] = []
    for conversation_id, exchanges in replaying.conversations("esconv"):
        rows = replay.conversation_replay(replaying.script(conversation_id, exchanges))
        replies = [row["reply"] or "" for row in rows]
        said = [s for reply in replies for s in sentences(reply)]
        counts = Counter(sentence_key(s) for s in said)
        repeated += sum(count - 1 for count in counts.values() if count > 1)
        twice += [f"{conversation_id}: {s}" for s in dict.fromkeys(s for s in said if counts[sentence_key(s)] > 1)]
        vectors = _embed(encoder, replies)
        close = [(replies[i], replies[j]) for i in range(len(replies))
                 for j in range(i + 1, min(len(replies), i + NEAR_TURNS + 1))
                 if float(vectors[i] @ vectors[j]) >= NEAR_COSINE]
        near += len(close)
        alike += [f"{conversation_id}: {a} / {b}" for a, b in close]
        for row, exchange, reply in zip(rows, exchanges, replies):
            greeted = kind_of(exchange.text, language="en", first=row["turn"] == 0) in ("greeting", "greeting_again")
            if row["turn"] > 0 and GREETING.search(reply) and not greeted:  # "Hello?" mid-chat gets "still here"
                greetings += 1
            if kind_of(exchange.text, language="en", first=row["turn"] == 0) == "goodbye":
                goodbyes += 1
                closed += "?" not in reply
            human = ESCONV_STRATEGIES.get(exchange.human_strategy, "")
            if human:
                human_strategies[human] += 1
            if human and row["strategy"]:
                planned += 1
                agree += row["strategy"] == human
                pairs_by_strategy[(row["strategy"], human)] += 1
            if exchange.human_reply and reply:
                pairs.append((reply, exchange.human_reply))
            exchanges_out.append({"id": conversation_id, "turn": row["turn"], "person": exchange.text,
                                  "reply": reply, "strategy": row["strategy"], "emotion": row["emotion"],
                                  "supporter": exchange.human_reply, "supporter_strategy": human})
    ours, theirs = _embed(encoder, [p[0] for p in pairs]), _embed(encoder, [p[1] for p in pairs])
    aligned = float(np.mean(np.sum(ours * theirs, axis=1)))
    shuffled = float(np.mean(np.sum(ours * theirs[np.random.default_rng(7).permutation(len(pairs))], axis=1)))
    most_common, count = human_strategies.most_common(1)[0]
    (replaying.RESULTS / "dialogue_strategies.json").write_text(json.dumps({
        "ours": Counter(o for o, _ in pairs_by_strategy.elements()), "supporters": human_strategies,
        "confusion": {f"{o} / {h}": n for (o, h), n in pairs_by_strategy.most_common()},
        "said_twice": twice, "near_duplicates": alike}, indent=1, ensure_ascii=False))
    return [
        Figure("ESConv: strategy agreement with the supporter", agree / max(1, planned), f"of {planned} replies",
               goal="> 0.31"),
        Figure(f"ESConv: always '{most_common}' (reference)", count / max(1, sum(human_strategies.values())), ""),
        Figure("ESConv: sentences said twice in a conversation", repeated, "sentences", goal="0"),
        Figure("ESConv: replies within 10 turns, cosine >= 0.9", near, "pairs", goal="0"),
        Figure("ESConv: greetings after the first turn", greetings, "replies", goal="0"),
        Figure("ESConv: goodbyes answered with a close", closed / max(1, goodbyes) * 100, f"% of {goodbyes}",
               goal="100"),
        Figure("ESConv: similarity to the supporter's reply", aligned, "cosine"),
        Figure("ESConv: the same, replies shuffled (reference)", shuffled, "cosine"),
        Figure("ESConv: similarity margin over shuffled", aligned - shuffled, "cosine", goal="> 0"),
    ], exchanges_out


def smile() -> list[Figure]:
    chinese = answered = 0
    for conversation_id, exchanges in replaying.conversations("smile", limit=SMILE_DIALOGUES):
        for row, exchange in zip(replay.conversation_replay(replaying.script(conversation_id, exchanges)),
                                 exchanges):
            if detect(exchange.text) == "zh":
                chinese += 1
                answered += bool(row["reply"]) and not re.search(r"[A-Za-z]{2,}", row["reply"])
    return [Figure(f"SMILE ({SMILE_DIALOGUES} dialogues): Chinese answered in Chinese",
                   answered / max(1, chinese) * 100, f"% of {chinese}", goal="100")]


def run() -> list[Figure]:
    encoder = _encoder()
    with replaying.databases():
        figures, exchanges = esconv(encoder)
        figures += smile()
    with (replaying.RESULTS / "dialogue_samples.jsonl").open("w", encoding="utf-8") as out:
        for exchange in random.Random(11).sample(exchanges, min(SAMPLES, len(exchanges))):
            out.write(json.dumps(exchange, ensure_ascii=False) + "\n")
    with (replaying.RESULTS / "dialogue_exchanges.jsonl").open("w", encoding="utf-8") as out:
        for exchange in exchanges:
            out.write(json.dumps(exchange, ensure_ascii=False) + "\n")
    return figures
