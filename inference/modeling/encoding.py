"""What the models read: batches of texts of similar length, and the risk model's input, a message with the
person's earlier messages.

The risk model's input is built in token space, so the current message is never the part cut, whatever its
context holds. Posts are long (median ~60 words, a tenth over 300) and the message that matters in a chat is the
last one: the current message keeps its head and tail when too long, and earlier messages fill what room is left,
newest first, cut from their oldest end. Earlier messages and the current one are one segment (token_type_ids all
0), told apart by [SEP] alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

MAX_LENGTH = 128
# A current message too long for the room keeps this share of it from its start and the rest from its end: how a
# post opens says who and what it is about, how it ends is often where the worst is said.
HEAD_SHARE = 0.25
# At most this many earlier messages are read with the current one.
CONTEXT_MESSAGES = 3
# Characters kept from each end of a text before tokenising: far more than MAX_LENGTH tokens in any script, and it
# keeps a pasted novel from costing seconds in the tokenizer.
CHAR_CAP = 8_000


def length_batches(texts: Sequence[str], size: int) -> Iterator[list[int]]:
    """Index batches of at most `size`, cut from the texts sorted by length: a batch pads to a similar length,
    not to the longest."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), size):
        yield order[start:start + size]


def encode(tokenizer, texts: Sequence[str], contexts: Sequence[Sequence[str]] | None = None, *,
           max_length: int = MAX_LENGTH) -> dict[str, torch.Tensor]:
    """A padded batch: `[CLS] older [SEP] newer [SEP] current [SEP]`, one segment. The current message keeps its
    head and tail when it alone is too long; earlier messages (at most CONTEXT_MESSAGES) fill the room left, newest
    first, each cut from its oldest end, so what is dropped is always the oldest."""
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    room = max_length - 2
    rows = []
    for i, text in enumerate(texts):
        ids = _head_tail(_tokens(tokenizer, text), room)
        left = room - len(ids)
        earlier = list(contexts[i])[-CONTEXT_MESSAGES:] if contexts is not None and i < len(contexts) else []
        for message in reversed(earlier):
            if left < 2:  # a message needs a token and its [SEP]
                break
            context_ids = _tokens(tokenizer, message)
            if not context_ids:
                continue
            context_ids = context_ids[-(left - 1):]
            ids = context_ids + [sep] + ids
            left -= len(context_ids) + 1
        rows.append([cls] + ids + [sep])
    width = max((len(row) for row in rows), default=2)
    input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
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
