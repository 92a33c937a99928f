"""The chat socket, /ws/chat/ (docs/protocol.md). Validates a frame, calls one service or selector, replies."""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs
from uuid import UUID

import redis
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from conversations import admission, database, identity, languages
from conversations.chat import events, helplines, protocol, selectors, services
from conversations.chat.ordering import SeqGate, seq_of
from conversations.chat.throttle import SocketThrottle
from emochat.observability import context, metrics
from inference.types import risk_rank

logger = logging.getLogger(__name__)
# The channel layer's failures (Redis restarting or unreachable): the socket stays open through them.
LAYER_ERRORS = (redis.RedisError, OSError)
# Seconds between attempts to rejoin the conversation's group while the channel layer is down.
LAYER_RETRY_S = 1.0
# How long an out-of-order event waits for the one before it before the gap is read from the database.
GAP_FILL_DELAY_S = 1.0
# What the person reads (in the page's language, `_said`).
UNAVAILABLE = _("We're taking longer than usual to reply. Your message is saved and will be answered as soon "
                "as we can.")
TOO_MANY_CONNECTS = _("Too many connections from your network just now. The page will try again in a moment.")
ELSEWHERE = _("This chat is open in another tab or window. Reload this page to continue here.")
NO_SESSION = _("Open the chat page first: this connection has no session.")
NOT_YOURS = _("That conversation is not yours.")
MANY_CONVERSATIONS = _("You've started many conversations this hour. Please carry on in this one for now.")
NO_SUCH_CONVERSATION = _("There is no such conversation among yours.")
CONSENT_FIRST = _("Please read and accept the privacy notice before you write.")
TOO_QUICK = _("You're sending messages very quickly. Please wait a moment.")
TOO_MUCH_AT_ONCE = _("That's a lot at once. Please wait a moment.")


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """While the channel layer is down the socket stays open: messages are still stored and acknowledged and
    helplines shown (all sent straight to this socket), and once the layer is back the socket rejoins its
    conversation's group (a restarted Redis has forgotten it) and reads what it missed from the database."""

    conversation_id: UUID | None = None
    _rejoin: asyncio.Task | None = None

    @property
    def channel_receive(self):
        return self._channel_receive

    @channel_receive.setter
    def channel_receive(self, receive) -> None:
        # Channels sets this to the layer's receive and ends the consumer (closing the socket) if it raises.
        async def receive_through_outages() -> dict:
            while True:
                try:
                    return await receive()
                except LAYER_ERRORS:
                    self._layer_failed()
                    await asyncio.sleep(LAYER_RETRY_S)

        self._channel_receive = receive_through_outages

    async def connect(self) -> None:
        # The page's language: what the socket says is in it, and conversations started here answer "ok" in it.
        self.interface = languages.interface_language(
            self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME), _header(self.scope, b"accept-language"))
        self.language = languages.REPLY_LANGUAGE[self.interface]
        self.throttle = SocketThrottle(self.channel_name)
        self.person: str | None = None  # the data subject, once known: their open sockets are counted
        self.waiting: dict[str, asyncio.Task] = {}
        self.backfill: asyncio.Task | None = None
        address = admission.address_of_scope(self.scope)
        if not await asyncio.to_thread(admission.allow, admission.SOCKET_CONNECT, address):
            await self.accept()
            await self.send_json(events.error(code="rate_limited", detail=self._said(TOO_MANY_CONNECTS)))
            await self._close_too_much()
            return
        self.owner = await database.in_pool(identity.owner_from_scope)(self.scope)
        self.country = helplines.country_code(_query(self.scope).get("country"),
                                              _header(self.scope, b"accept-language"))
        # The highest crisis level this socket's page has been shown helplines for.
        self.crisis_shown = "none"
        self.gate = SeqGate()
        await self.accept()
        if self.owner is None:
            await self._forbid(NO_SESSION)
            return
        self.person = identity.subject_for(self.owner)
        for channel in await asyncio.to_thread(admission.socket_open, person=self.person, channel=self.channel_name):
            await self.channel_layer.send(channel, {"type": "socket.elsewhere"})
        conversation = await database.in_pool(services.conversation_open)(owner=self.owner, language=self.language,
                                                                          country=self.country)
        await self._switch_to(conversation.id, last_seq=conversation.last_seq)

    async def disconnect(self, code: int) -> None:
        self.throttle.forget()
        if self.person is not None:
            await asyncio.to_thread(admission.socket_closed, person=self.person, channel=self.channel_name)
        for task in [*self.waiting.values(), self.backfill]:
            if task is not None:
                task.cancel()
        if self._rejoin is not None:
            self._rejoin.cancel()
        if self.conversation_id is not None:
            await self._group_leave()

    async def _group_leave(self) -> None:
        try:
            await self.channel_layer.group_discard(events.group_name(self.conversation_id), self.channel_name)
        except LAYER_ERRORS:
            pass  # a group that cannot be reached forgets its members by itself (channels-redis group expiry)

    def _layer_failed(self) -> None:
        """The channel layer failed under this socket: rejoin the conversation's group once it answers again."""
        if self.conversation_id is not None and (self._rejoin is None or self._rejoin.done()):
            logger.warning("chat socket: the channel layer is unreachable; rejoining its group when it is back")
            self._rejoin = asyncio.create_task(self._rejoin_when_back())

    async def _rejoin_when_back(self) -> None:
        while True:
            await asyncio.sleep(LAYER_RETRY_S)
            try:
                await self.channel_layer.group_add(events.group_name(self.conversation_id), self.channel_name)
                break
            except LAYER_ERRORS:
                continue
        # What was announced meanwhile never reached this socket: the database has it.
        await self._replay(after_seq=self.gate.delivered)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            data = protocol.decode(text_data if text_data is not None else bytes_data)
            if "conversation_id" in data and str(data["conversation_id"]) != str(self.conversation_id):
                await self._forbid(NOT_YOURS)
                return
            frame = protocol.parse(data)
        except protocol.ProtocolError as exc:
            await self.send_json(events.error(code=exc.code, detail=exc.detail, client_id=exc.client_id))
            return
        if self.conversation_id is None:
            return
        if not self.throttle.allow(data["type"]):
            metrics.throttle_refused(data["type"])
            await self._refuse(data)
            return
        if isinstance(frame, protocol.Send):
            await self._send_message(frame)
        elif isinstance(frame, protocol.Resume) and not self.throttle.replaying:
            self.throttle.replaying = True
            try:
                await self._replay(after_seq=frame.after_seq)
            finally:
                self.throttle.replaying = False
        elif isinstance(frame, protocol.Typing):
            try:
                await self.channel_layer.group_send(
                    events.group_name(self.conversation_id),
                    events.envelope(self.conversation_id, events.typing(role="user", state=frame.state)),
                )
            except LAYER_ERRORS:
                self._layer_failed()  # typing is ephemeral: nothing to keep
        elif isinstance(frame, protocol.NewConversation):
            try:
                conversation = await database.in_pool(services.conversation_restart)(
                    owner=self.owner, conversation_id=self.conversation_id, language=self.language,
                    country=self.country,
                )
            except services.RateLimited:
                await self.send_json(events.error(
                    code="rate_limited", detail=self._said(MANY_CONVERSATIONS)))
                return
            await self._switch_to(conversation.id, last_seq=conversation.last_seq)
        elif isinstance(frame, protocol.ListConversations):
            summaries = await database.in_pool(selectors.conversation_list)(owner=self.owner)
            await self.send_json(events.conversations(summaries=summaries))
        elif isinstance(frame, protocol.OpenConversation):
            try:
                conversation = await database.in_pool(services.conversation_reopen)(
                    owner=self.owner, conversation_id=frame.conversation_id
                )
            except services.ConversationNotFound:
                await self.send_json(events.error(code="not_found",
                                                  detail=self._said(NO_SUCH_CONVERSATION)))
                return
            await self._switch_to(conversation.id, last_seq=conversation.last_seq)

    async def _send_message(self, frame: protocol.Send) -> None:
        received = metrics.message_received()
        try:
            submitted = await database.in_pool(services.message_submit)(
                owner=self.owner, conversation_id=self.conversation_id, client_id=frame.client_id, text=frame.text,
                announce=False,
            )
        except services.ConsentRequired:
            await self.send_json(events.error(
                code="consent_required", detail=self._said(CONSENT_FIRST),
                client_id=str(frame.client_id),
            ))
            return
        except services.RateLimited:
            await self.send_json(events.error(
                code="rate_limited", detail=self._said(TOO_QUICK),
                client_id=str(frame.client_id),
            ))
            return
        if submitted.crisis_level:
            # Helplines first: before the ack, whatever the workers are doing.
            await self._crisis_show(submitted.crisis_level)
        ack = events.message_ack(message=submitted.message)
        if submitted.created:
            await self._deliver(ack)
        else:
            await self.send_json(ack)  # a resend is answered even though its seq went out before
        metrics.ack_sent(received_at=received, resend=not submitted.created)
        if submitted.created:
            await self._announce(ack)
        if submitted.awaiting_reply and submitted.message["id"] not in self.waiting:
            self.waiting[submitted.message["id"]] = asyncio.create_task(self._reply_watch(submitted.message))

    async def _announce(self, ack: dict) -> None:
        """The conversation's other sockets (the person's other tabs, a moderator following) get the ack too,
        sent from here once the message is committed rather than from the database thread. Each socket's SeqGate
        puts it in order with what the workers announce, and this socket's own copy is dropped as already sent;
        a socket that misses it (the layer is down) reads it from the database when it fills the gap."""
        try:
            await events.announce(self.conversation_id, ack)
        except LAYER_ERRORS:
            self._layer_failed()

    async def _reply_watch(self, message: dict, *, waited: float = 0.0) -> None:
        """Tell the person, calmly, when no reply has started in time (`waited`: seconds it has waited already).
        The message stays queued."""
        await asyncio.sleep(max(0.0, settings.EMOCHAT_REPLY_TIMEOUT - waited))
        self.waiting.pop(message["id"], None)
        await self.send_json(events.error(code="unavailable", detail=self._said(UNAVAILABLE),
                                          client_id=message["client_id"]))

    async def chat_event(self, event: dict) -> None:
        if event.get("conversation_id", str(self.conversation_id)) != str(self.conversation_id):
            return  # queued for a conversation this socket has since left for a new or a reopened one
        frame = event["event"]
        kind = frame["type"]
        if kind == "typing" and frame["role"] == "user":
            return  # the person's own typing is for moderators
        if kind == "hello":
            if frame["conversation_id"] != str(self.conversation_id):
                await self._switch_to(UUID(frame["conversation_id"]), last_seq=frame["last_seq"])
            return
        if kind == "crisis.raised":
            await self._crisis_show(frame["level"])
            return
        if kind == "privacy.erased":
            await self.send_json(frame)
            await self.close(code=protocol.CLOSE_ERASED)
            return
        reply_to = frame.get("reply_to") or (frame.get("message") or {}).get("reply_to")
        if kind in ("reply.start", "reply.end") and reply_to in self.waiting:
            self.waiting.pop(reply_to).cancel()
        await self._deliver(frame)

    async def socket_elsewhere(self, event: dict) -> None:
        """The person opened the chat in more places than allowed, and this socket is the oldest."""
        await self.send_json(events.error(code="elsewhere", detail=self._said(ELSEWHERE)))
        await self.close(code=protocol.CLOSE_ELSEWHERE)

    async def _crisis_show(self, level: str) -> None:
        """Send the page helplines for its country, once per level reached."""
        if risk_rank(level) <= risk_rank(self.crisis_shown):
            return
        self.crisis_shown = level
        with translation.override(self.interface):  # the emergency number's name
            resources = helplines.resources(self.country, level=level)
        await self.send_json(events.crisis_resources(level=level, country=self.country, resources=resources))

    async def _deliver(self, frame: dict) -> None:
        seq = seq_of(frame)
        if seq is None:
            await self.send_json(frame)
            return
        for ready in self.gate.offer(seq, frame):
            await self.send_json(ready)
        if self.gate.waiting and self.backfill is None:
            self.backfill = asyncio.create_task(self._fill_gap_later())

    async def _fill_gap_later(self) -> None:
        await asyncio.sleep(GAP_FILL_DELAY_S)
        self.backfill = None
        if self.gate.waiting:
            await self._replay(after_seq=self.gate.delivered)

    async def _replay(self, *, after_seq: int) -> None:
        replay = await database.in_pool(selectors.replay)(
            conversation_id=self.conversation_id, after_seq=after_seq
        )
        for event in replay:
            await self.send_json(event)
        for ready in self.gate.replayed(max((seq_of(event) for event in replay), default=0)):
            await self.send_json(ready)

    async def _switch_to(self, conversation_id: UUID, *, last_seq: int) -> None:
        if self.conversation_id is not None:
            await self._group_leave()
        for task in self.waiting.values():
            task.cancel()
        self.waiting.clear()
        self.gate.reset(last_seq)
        self.conversation_id = conversation_id
        context.bind_ids(conversation_id=conversation_id)  # on what this socket logs from now on
        self.crisis_shown = "none"
        try:
            await self.channel_layer.group_add(events.group_name(conversation_id), self.channel_name)
        except LAYER_ERRORS:
            self._layer_failed()
        await self.send_json(events.hello(conversation_id=conversation_id, last_seq=last_seq))
        # What still applies to this conversation, for a page that (re)connects.
        level, paused = await database.in_pool(_standing)(conversation_id)
        if level:
            await self._crisis_show(level)
        if paused:
            await self.send_json(events.support_joined())
        # A reply the page was waiting for before it (re)connected is watched here too: late, the person is told.
        pending = await database.in_pool(selectors.reply_pending)(conversation_id=conversation_id)
        if pending is not None and pending.message_id not in self.waiting:
            message = {"id": pending.message_id, "client_id": pending.client_id}
            self.waiting[pending.message_id] = asyncio.create_task(self._reply_watch(message, waited=pending.waited))

    async def _refuse(self, data: dict) -> None:
        """A frame over its rate: answered and dropped; a socket that keeps on is closed."""
        if self.throttle.exhausted:
            await self._close_too_much()
            return
        client_id = data.get("client_id") if data["type"] == "message.send" else None
        await self.send_json(events.error(code="rate_limited", detail=self._said(TOO_MUCH_AT_ONCE),
                                          client_id=client_id if isinstance(client_id, str) else None))

    async def send_json(self, content: dict, close: bool = False) -> None:
        """Every frame to the page goes out here, counted against the socket's output budget: a page that asks
        for more than it reads is closed rather than buffered without limit."""
        if self.throttle.closed:
            return
        text = await self.encode_json(content)
        self.throttle.sent(len(text))
        if self.throttle.exhausted:
            await self._close_too_much()
            return
        await self.send(text_data=text, close=close)

    async def _close_too_much(self) -> None:
        self.throttle.closed = True
        await self.close(code=protocol.CLOSE_TOO_MUCH)

    def _said(self, text) -> str:
        """`text` (a lazy translation) in the page's language."""
        with translation.override(self.interface):
            return str(text)

    async def _forbid(self, detail) -> None:
        await self.send_json(events.error(code="forbidden", detail=self._said(detail)))
        await self.close(code=protocol.CLOSE_FORBIDDEN)

    @classmethod
    async def encode_json(cls, content: dict) -> str:
        return json.dumps(content, ensure_ascii=False)


def _standing(conversation_id: UUID) -> tuple[str | None, bool]:
    return (selectors.conversation_crisis_level(conversation_id=conversation_id),
            selectors.conversation_paused(conversation_id=conversation_id))


def _query(scope: dict) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}


def _header(scope: dict, name: bytes) -> str | None:
    return next((value.decode("latin-1") for key, value in scope.get("headers", []) if key == name), None)
