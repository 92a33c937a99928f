"""What the models read: batches of texts of similar length, and the risk model's input, one message alone.

The risk model reads the message without the person's earlier messages: read with them, a bland chat line after a
sad one took the earlier one's reading, and everyday support chat read as ideation. Context is the rule-based
safety net's to use.

Posts are long (median ~60 words, a tenth over 300) and the room is MAX_LENGTH tokens. Training cuts a long text to
its head and tail (`encode`): one input per labelled example, and how a post opens and ends carry most of its risk.
The backend reads a long text in overlapping windows instead (`windows`): a plan stated in the middle of a long
message would fall in the cut, and a person's words must not go unread because they wrote a lot.

Where a text of several sentences reads as danger, the backend also reads its `passages` (each sentence alone and
with the next) to find where the danger is said: a post that is only long and sad, with no sentence that reads as
danger on its own, is what a model trained on r/SuicideWatch posts mistakes for risk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import torch

MAX_LENGTH = 128
# A text too long for the room keeps this share of it from its start and the rest from its end (training only): how
# a post opens says who and what it is about, how it ends is often where the worst is said.
HEAD_SHARE = 0.25
# Each window starts this share of the room after the one before: with half, every sentence shorter than half a
# window is whole in at least one window, whichever edge cuts it.
STRIDE_SHARE = 0.5
# Characters kept from each end of a text before tokenising: ~2,000 tokens each in English, 30+ windows in all. It
# keeps a pasted novel from costing seconds in the tokenizer and a hundred windows in the model.
CHAR_CAP = 8_000
# Where a sentence ends: after . ! ? … and their full-width forms, at a space, a line break, or a capital straight
# after the mark ("so tired.Nobody cares", as phones often send it).
SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+|(?<=[.!?])(?=[A-Z])|(?<=[。！？])|\n+")
# A text of more sentences than this is not read by passages: its windows' reading stands.
MAX_SENTENCES = 64


def length_batches(texts: Sequence[str], size: int) -> Iterator[list[int]]:
    """Index batches of at most `size`, cut from the texts sorted by length: a batch pads to a similar length,
    not to the longest."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), size):
        yield order[start:start + size]


def encode(tokenizer, texts: Sequence[str], *, max_length: int = MAX_LENGTH) -> dict[str, torch.Tensor]:
    """A padded batch, `[CLS] text [SEP]` each, a text too long for the room cut to its head and tail."""
    room = max_length - 2
    return padded(tokenizer, [_head_tail(_tokens(tokenizer, text), room) for text in texts])


def windows(tokenizer, text: str, *, max_length: int = MAX_LENGTH) -> list[list[int]]:
    """The token ids (without [CLS]/[SEP]) of each window the text is read in: one when it fits the room, else
    windows of the room's size, each starting STRIDE_SHARE of the room after the last, the last ending where the
    text ends."""
    return spans(_tokens(tokenizer, text), max_length - 2)


def spans(ids: list[int], room: int) -> list[list[int]]:
    if len(ids) <= room:
        return [ids]
    stride = max(1, int(room * STRIDE_SHARE))
    starts = list(range(0, len(ids) - room, stride)) + [len(ids) - room]
    return [ids[start:start + room] for start in starts]


def passages(text: str) -> list[str]:
    """Each sentence of `text` alone and each with the next, in order; none for a text of a single sentence (its
    whole is its only passage) or of more than MAX_SENTENCES."""
    sentences = [part.strip() for part in SENTENCE_END.split(_cap(text)) if part and part.strip()]
    if not 1 < len(sentences) <= MAX_SENTENCES:
        return []
    return sentences + [f"{first} {second}" for first, second in zip(sentences, sentences[1:])]


def padded(tokenizer, rows: Sequence[list[int]]) -> dict[str, torch.Tensor]:
    """`[CLS] ids [SEP]` for each row, padded to the longest."""
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    full = [[cls, *row, sep] for row in rows]
    width = max((len(row) for row in full), default=2)
    input_ids = torch.full((len(full), width), pad, dtype=torch.long)
    attention = torch.zeros((len(full), width), dtype=torch.long)
    for i, row in enumerate(full):
        input_ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
        attention[i, :len(row)] = 1
    return {"input_ids": input_ids, "attention_mask": attention, "token_type_ids": torch.zeros_like(input_ids)}


def _cap(text: str) -> str:
    return text if len(text) <= 2 * CHAR_CAP else text[:CHAR_CAP] + " " + text[-CHAR_CAP:]


def _head_tail(ids: list[int], room: int) -> list[int]:
    if len(ids) <= room:
        return ids
    head = int(room * HEAD_SHARE)
    return ids[:head] + ids[len(ids) - (room - head):]


def _tokens(tokenizer, text: str) -> list[int]:
    return tokenizer(_cap(text), add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
