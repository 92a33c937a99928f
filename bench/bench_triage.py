"""Triage: does the combined reading tell distress from danger, on real posts and real support conversations?

- crisis dev (Reddit posts): flagged recall [≥ 0.95] and false-positive rate [≤ 0.10] of the combined reading
  (rules + model, inference/triage.py), beside the model alone and the rules alone; the share of the posts that
  describe means, plans or acts (the weak labeller's reading, inference/training/risk_labels.py) that read
  `behavior` or above [≥ 0.5];
- GoEmotions test (ordinary Reddit comments): the share flagged [≤ 0.3%]; and no crisis dev post shows a joy chip
  or a positive sentiment [0] (the emotion model's reading as the chat shows it beside the risk);
- ESConv dev (Liu et al., ACL 2021; CC BY-NC 4.0, measured only, never trained on): every help-seeker message
  through `replay`, the chat's whole pipeline: the share of messages flagged [≤ 0.5%] and of conversations ever
  flagged [≤ 3%], by the reading alone and after the screening (a replayed person never answers the assistant's
  question, so a "yes" to something else can be read as an answer: both are shown); and the share of conversations
  in which the assistant asked whether the person is thinking of ending their life (no goal: asking is right on a
  sign, and a broken conversation on none);
- SMILE (Chinese, CC0): the same for a sample of its dialogues' client turns (read by the Chinese rules: the
  model reads English only), reported without a goal: its clients do speak of suicide. The flagged messages are
  written to bench/results/triage_flagged.jsonl (not kept in git) to read by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from django.conf import settings

from bench import replaying
from bench.bench_crisis import dev_split
from bench.figures import Figure
from conversations.chat import replay, screening
from inference import goemotions, handles, safety_net, triage
from inference.backends.transformers_risk import TransformersRiskDetector
from inference.training import risk_labels
from inference.training.emotion import load_split
from inference.types import Risk, risk_rank

SMILE_DIALOGUES = 200
RESULTS = replaying.RESULTS


def _flagged(readings: list[Risk]) -> np.ndarray:
    return np.array([r.flagged for r in readings])


def crisis_dev(detector) -> list[Figure]:
    texts, truth = dev_split()
    model = detector.assess(texts)
    rules = [safety_net.assess(text) for text in texts]
    both = [triage.combined(r, m) for r, m in zip(rules, model)]
    out = []
    for name, readings in (("rules", rules), ("model", model), ("combined", both)):
        flagged = _flagged(readings)
        goals = ("≥ 0.95", "≤ 0.10") if name == "combined" else (None, None)
        out += [Figure(f"crisis dev recall: {name}", float(flagged[truth].mean()), "", goal=goals[0]),
                Figure(f"crisis dev FPR: {name}", float(flagged[~truth].mean()), "", goal=goals[1])]
    # Flagged, or asked: an `indicator` about the writer that is not `faint` is where the assistant asks whether the
    # person is thinking of ending their life (conversations/chat/screening.py), and a "yes" escalates.
    asked = np.array([r.flagged or screening.due(None, level=r.level, subject=r.subject, score=r.score, seq=0,
                                                 cues=r.cues) for r in both])
    out.append(Figure("crisis dev recall: flagged or asked", float(asked[truth].mean()), ""))
    described = [i for i, text in enumerate(texts) if truth[i] and risk_rank(
        risk_labels.label_post(text).level) >= risk_rank("behavior")]
    behavior = [risk_rank(both[i].level) >= risk_rank("behavior") for i in described]
    out.append(Figure("crisis dev means/plan/act posts read ≥ behavior", float(np.mean(behavior)) if behavior
                      else 0.0, f"of {len(described)}", goal="≥ 0.5"))
    chips = handles.emotion_classifier().classify(texts)
    shown = [goemotions.beside_risk(chip, flagged=risk.level != "none") for chip, risk in zip(chips, both)]
    cheerful = sum(1 for i, chip in enumerate(shown) if truth[i] and (chip.group == "joy" or chip.sentiment ==
                                                                      "positive"))
    out.append(Figure("crisis dev posts with a joy/positive chip", cheerful, "posts", goal="0"))
    return out


def goemotions_test(detector) -> list[Figure]:
    texts = load_split(Path(settings.EMOCHAT_DATA_DIR) / "goemotions", "test").texts
    flagged = _flagged(triage.read(detector, texts))
    return [Figure("GoEmotions test comments flagged", float(flagged.mean()) * 100, f"% of {len(texts)}",
                   goal="≤ 0.3")]


def replayed(name: str, scripts: list[replay.Script], flagged_out, *, goals: bool = True) -> list[Figure]:
    """Replay each conversation; figures for the reading alone and after the screening. `goals`: whether the
    corpus is one of ordinary support (ESConv), held to the goals, or one where people do speak of suicide
    (SMILE), reported with a sample of what was flagged to read."""
    read_flagged = after_flagged = messages = 0
    conversations_read = conversations_after = conversations_asked = 0
    for script in scripts:
        rows = replay.conversation_replay(script)
        messages += len(rows)
        by_reading = [row for row in rows if risk_rank(row["risk"]["level"]) >= risk_rank("ideation")
                      and (row["screening"] or {}).get("turn") != "answered"]
        read_flagged += len(by_reading)
        after_flagged += sum(1 for row in rows if risk_rank(row["risk"]["level"]) >= risk_rank("ideation"))
        conversations_read += bool(by_reading)
        conversations_after += any(row["crisis"] for row in rows)
        conversations_asked += any((row["screening"] or {}).get("turn") == "ask" for row in rows)
        for row in rows:
            if risk_rank(row["risk"]["level"]) >= risk_rank("ideation"):
                flagged_out.write(json.dumps({"corpus": name, "id": row["id"], "turn": row["turn"],
                                              "text": script.messages[row["turn"]], "risk": row["risk"],
                                              "screening": row["screening"]}, ensure_ascii=False) + "\n")
    return [
        Figure(f"{name}: messages flagged by the reading", read_flagged / messages * 100, f"% of {messages}",
               goal="≤ 0.5" if goals else None),
        Figure(f"{name}: conversations flagged by the reading", conversations_read / len(scripts) * 100,
               f"% of {len(scripts)}", goal="≤ 3" if goals else None),
        Figure(f"{name}: messages flagged after screening", after_flagged / messages * 100, f"% of {messages}"),
        Figure(f"{name}: conversations flagged after screening", conversations_after / len(scripts) * 100,
               f"% of {len(scripts)}"),
        # Asking about suicide is right when there is a sign, and a broken conversation when there is none.
        Figure(f"{name}: conversations asked the screening question", conversations_asked / len(scripts) * 100,
               f"% of {len(scripts)}"),
    ]


def conversations_replayed() -> list[Figure]:
    with replaying.databases(), (RESULTS / "triage_flagged.jsonl").open("w", encoding="utf-8") as flagged_out:
        figures = replayed("ESConv dev", [replaying.script(*c) for c in replaying.conversations("esconv")],
                           flagged_out)
        figures += replayed(f"SMILE ({SMILE_DIALOGUES} dialogues)",
                            [replaying.script(*c) for c in replaying.conversations("smile", limit=SMILE_DIALOGUES)],
                            flagged_out, goals=False)
    return figures


def run() -> list[Figure]:
    detector = TransformersRiskDetector(settings.EMOCHAT_RISK_MODEL, device=settings.EMOCHAT_DEVICE)
    return crisis_dev(detector) + goemotions_test(detector) + conversations_replayed()
