"""Replies from any OpenAI-compatible chat-completions endpoint that streams (vLLM, TGI, Ollama, llama.cpp
server, or a hosted API), through the `openai` client, which brings timeouts and retries with backoff."""

from __future__ import annotations

from collections.abc import Iterator

from inference.loader import BackendError
from inference.prompts import chat_messages
from inference.types import ReplyRequest


class OpenAIReplyGenerator:
    reviewed = False

    def __init__(self, *, base_url: str | None, model: str | None, api_key: str | None = None,
                 timeout_s: float = 30.0, max_retries: int = 2, max_tokens: int = 200, temperature: float = 0.7):
        if not base_url or not model:
            raise BackendError("EMOCHAT_OPENAI_BASE_URL and EMOCHAT_OPENAI_MODEL must both be set for the "
                               "openai reply backend.")
        import openai  # only this backend needs the client, which is slow to import

        # Local servers need no key, but the client insists on one: any placeholder will do.
        self.client = openai.OpenAI(base_url=base_url, api_key=api_key or "unused", max_retries=max_retries,
                                    timeout=openai.Timeout(timeout_s, connect=min(timeout_s, 5.0)))
        self.model = model
        self.max_tokens = max_tokens
        self.temperature = temperature

    def stream(self, request: ReplyRequest) -> Iterator[str]:
        # Connection failures, 429 and 5xx before the first chunk are retried by the client; a failure mid-way
        # raises, and the caller replaces the reply with a curated one.
        response = self.client.chat.completions.create(
            model=self.model, messages=chat_messages(request), stream=True,
            max_tokens=self.max_tokens, temperature=self.temperature,
        )
        finished = False
        with response:
            for chunk in response:
                if not chunk.choices:
                    continue
                if text := chunk.choices[0].delta.content:
                    yield text
                finished = finished or chunk.choices[0].finish_reason is not None
        if not finished:
            raise ReplyInterrupted("the endpoint's stream ended before the reply was finished")


class ReplyInterrupted(Exception):
    """The stream stopped mid-reply (the server or the connection went away)."""
