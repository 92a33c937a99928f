"""Replies from a local causal language model (any Hugging Face chat model with a chat template, from
EMOCHAT_GENERATOR_MODEL), on CUDA when there is one. Tokens stream through TextIteratorStreamer while
`generate` runs on a thread of its own; a reader that stops early stops the generation too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import torch

from inference.loader import BackendError
from inference.modeling.devices import pick_device
from inference.prompts import chat_messages
from inference.types import ReplyRequest

SETTING = "EMOCHAT_GENERATOR_MODEL"


class _Stop:
    """A stopping criterion that ends generation once its event is set."""

    def __init__(self, event: threading.Event):
        self.event = event

    def __call__(self, input_ids, scores, **kwargs) -> torch.BoolTensor:
        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device)


class TransformersReplyGenerator:
    reviewed = False

    def __init__(self, *, model_dir: str | None, device: str = "auto", max_new_tokens: int = 200,
                 temperature: float = 0.7, first_token_timeout_s: float = 60.0):
        # transformers takes seconds to import: only a process that serves this backend pays for it.
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        if not model_dir or not Path(model_dir).is_dir():
            raise BackendError(f"{SETTING}: {model_dir!r} is not a directory holding a causal language model.")
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        target = pick_device(device)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
            self.model = AutoModelForCausalLM.from_pretrained(
                model_dir, dtype=torch.bfloat16 if target.type == "cuda" else torch.float32,
            ).to(target).eval()
        except Exception as exc:  # noqa: BLE001 - any loading failure is a configuration error here
            raise BackendError(f"{SETTING}: {model_dir!r} is not a causal language model that loads "
                               f"({type(exc).__name__}).") from exc
        if not self.tokenizer.chat_template:
            raise BackendError(f"{SETTING}: the tokenizer in {model_dir!r} has no chat template.")
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.timeout = first_token_timeout_s
        limit = getattr(self.model.config, "max_position_embeddings", None) or self.tokenizer.model_max_length
        self.max_prompt = max(32, min(limit, 1 << 16) - max_new_tokens)

    def _prompt(self, request: ReplyRequest) -> dict:
        """The chat-templated prompt; the oldest turns are dropped until it fits the model's context."""
        messages = chat_messages(request)
        while True:
            encoded = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True,
                                                         return_tensors="pt")
            if encoded["input_ids"].shape[1] <= self.max_prompt or len(messages) <= 2:
                break
            del messages[1]
        return {name: tensor[:, -self.max_prompt:].to(self.model.device) for name, tensor in encoded.items()}

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        from transformers import StoppingCriteriaList, TextIteratorStreamer  # slow to import, as above

        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True,
                                        timeout=self.timeout)
        stop = threading.Event()
        failure: list[BaseException] = []
        kwargs = dict(
            **self._prompt(request), streamer=streamer, max_new_tokens=self.max_new_tokens,
            do_sample=self.temperature > 0, temperature=self.temperature or None, top_p=0.9,
            repetition_penalty=1.1, stopping_criteria=StoppingCriteriaList([_Stop(stop)]),
            pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
        )

        def generate() -> None:
            try:
                with torch.inference_mode():
                    self.model.generate(**kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to the reader, which raises it
                failure.append(exc)
                streamer.end()

        thread = threading.Thread(target=generate, name="emochat-generate", daemon=True)
        thread.start()
        try:
            for text in streamer:
                if text:
                    yield text
            if failure:
                raise failure[0]
        finally:
            stop.set()  # the reader stopped (done, failed, or replaced): free the model for the next reply
            thread.join(timeout=self.timeout)
