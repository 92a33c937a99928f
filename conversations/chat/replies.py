"""The reply policy: which generator answers a message, and how a reply reaches the person.

- A screening under way answers for itself (conversations/chat/screening.py); one that starts adds its question
  to the ordinary reply.
- Someone writing about another person at risk gets guidance for helping them.
- A message whose risk reading raised its conversation gets the crisis script.
- Someone whose conversation is flagged gets replies from the reviewed library only, never generated ones.
- Otherwise the configured generator answers; a generated reply is released sentence by sentence, each checked
  (inference/safety.py), and whatever fails part-way is replaced, from the start, by a library fallback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from django.conf import settings
from django.utils import timezone

from conversations.chat import events, screening, selectors, services, store
from emochat.observability import metrics
from inference import handles, safety
from inference.dialogue import manager
from inference.dialogue.policy import Prepared
from inference.dialogue.state import DialogueState
from inference.types import ReplyRequest

logger = logging.getLogger(__name__)
# The backend recorded for replies the reviewed library wrote (settings.REPLY_BACKENDS); scripted texts record "".
LIBRARY = "curated"


def reply_send(job: selectors.ReplyJob, request: ReplyRequest, turn: screening.Turn | None = None) -> None:
    """Answer the job's message as the policy above says."""
    # Read again: the priority lane's task may have recorded the model's reading since the job was read.
    risk = selectors.message_risk(message_id=job.message_id)
    state = selectors.dialogue_state(conversation_id=job.conversation_id)
    prepared = manager.prepare(job.text, emotion=request.emotion, state=state, library_of=handles.reply_library)
    request = replace(request, dialogue=state, prepared=prepared)
    # A scripted text (a screening's, the helper's guidance, the crisis script) is not the plan's: no strategy,
    # and no backend wrote it.
    scripted = replace(prepared, plan=replace(prepared.plan, strategy=""))
    generator = settings.EMOCHAT_REPLY_BACKEND
    if turn is not None and turn.kind == "answered":
        # The screening's own reply to an answer; when the answer opened the case it speaks of the helplines.
        reply_stream(job, request, lambda: words(turn.text), scripted, backend="")
    elif turn is not None and turn.kind == "ask" and prepared.understanding.language == "zh":
        reply_stream(job, request, lambda: words(turn.text), scripted, backend="")
    elif turn is not None and turn.kind == "ask":
        # One question a turn: the ordinary reply gives up its closing question to the screening's.
        reply_stream(job, request, lambda: words(f"{without_closing_question(''.join(reply_pieces(request)))} "
                                                 f"{turn.text}"), prepared, backend=generator)
    elif risk.subject == "other" and not risk.raised:
        # Someone worried about another person: how to help them, never "are you safe?" to the helper.
        reply_stream(job, request, lambda: words(screening.helper_text(job.text, str(job.message_id))), scripted,
                     backend="")
    elif risk.raised:
        # The model saw what the safety net did not: the crisis script, as the web process would have sent.
        script = replace(request, risk_categories=risk.categories)
        reply_stream(job, request, lambda: handles.crisis_generator().stream(script), scripted, backend="")
    elif selectors.conversation_crisis_level(conversation_id=job.conversation_id):
        reply_stream(job, request, lambda: handles.library_generator().stream(request), prepared, backend=LIBRARY)
    else:
        reply_stream(job, request, lambda: reply_pieces(request), prepared, backend=generator)


def words(text: str) -> Iterator[str]:
    """A reviewed text in streamable pieces: words, or a few characters at a time of Chinese."""
    return iter(re.findall(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]{1,3}|[^\s\u3400-\u9fff]+\s*|\s+", text))


def without_closing_question(text: str) -> str:
    """`text` without its last sentence when that is a question and not the only sentence."""
    sentences = [m.group(0) for m in re.finditer(r".+?(?:[.!?…]+[\"')\]]*(?:\s+|$)|$)", text.strip()) if m.group(0)]
    if len(sentences) > 1 and sentences[-1].rstrip().endswith("?"):
        sentences.pop()
    return "".join(sentences).strip()


def reply_pieces(request: ReplyRequest) -> Iterator[str]:
    """The configured generator's reply; a generated one is released only sentence by sentence, each checked."""
    generator = handles.reply_generator()
    pieces = generator.stream(request)
    return pieces if getattr(generator, "reviewed", False) else safety.checked(pieces)


def reply_stream(job: selectors.ReplyJob, request: ReplyRequest, pieces: Callable[[], Iterator[str]],
                 prepared: Prepared, *, backend: str) -> None:
    """Stream a reply to every socket of the conversation, then store it with its strategy, the backend that
    wrote it (what the person's feedback on it is counted by) and the conversation's state after it. If the
    pieces fail part-way (a model or endpoint error, or a generated sentence failing the safety check) the reply
    starts over, curated, and is recorded as the library's."""
    reply_id = store.reply_id_for(job.message_id)
    sent: list[str] = []
    timer = metrics.ReplyTimer(stored_at=job.stored_at or timezone.now())

    def stream():
        nonlocal backend
        yield events.typing(role="assistant", state=True)
        yield events.reply_start(message_id=reply_id, reply_to=job.message_id)
        try:
            for piece in pieces():
                sent.append(piece)
                timer.piece()
                yield events.reply_delta(message_id=reply_id, text=piece)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the person gets a safe reply
            timer.fell_back()
            logger.warning("reply %s replaced by a curated one: %s", reply_id, _why(exc))
            sent.clear()
            backend = LIBRARY
            # A second reply.start tells the page to start the reply over (docs/protocol.md).
            yield events.reply_start(message_id=reply_id, reply_to=job.message_id)
            for piece in handles.fallback_generator().stream(request):
                sent.append(piece)
                timer.piece()
                yield events.reply_delta(message_id=reply_id, text=piece)

    events.broadcast_all(job.conversation_id, stream())
    timer.finished()
    text = "".join(sent)
    services.reply_create(reply_to_id=job.message_id, conversation_id=job.conversation_id, text=text,
                          strategy=prepared.plan.strategy, backend=backend,
                          dialogue=manager.after(request.dialogue or DialogueState(), prepared, text))


def _why(exc: Exception) -> str:
    # The reason only: an exception from a model or an endpoint may quote the text it was given.
    return exc.reason if isinstance(exc, safety.UnsafeReply) else type(exc).__name__
