"""The moderators' socket, /ws/moderation/ (docs/moderation.md)."""

from __future__ import annotations

import json
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from conversations import permissions
from conversations.chat import events
from conversations.chat.protocol import CLOSE_FORBIDDEN, ProtocolError, decode
from conversations.moderation import events as moderation_events
from conversations.moderation import protocol, selectors, two_factor


class ModerationConsumer(AsyncJsonWebsocketConsumer):
    """A moderator's queue or case page (/ws/moderation/): every case change, and, for a case whose conversation
    this moderator joined, that conversation live. Validates a frame, calls one selector, replies."""

    # The case this socket watches live and its conversation; one at a time, so forwarded frames are unambiguous.
    following: tuple[UUID, UUID] | None = None
    allowed = False

    async def connect(self) -> None:
        await self.accept()
        self.user = self.scope.get("user")
        if not await database_sync_to_async(permissions.works_cases)(self.user):
            await self.send_json(events.error(code="forbidden", detail="Only moderators can open the queue."))
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if two_factor.mode() != two_factor.OFF and not await database_sync_to_async(two_factor.session_satisfied)(
                self.user, self.scope.get("session")):
            # EMOCHAT_STAFF_TWO_FACTOR: this session was signed in with a password alone.
            await self.send_json(events.error(
                code="forbidden", detail="Sign in again with your authentication code to open the queue."))
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.allowed = True
        await self.channel_layer.group_add(moderation_events.MODERATION_GROUP, self.channel_name)

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(moderation_events.MODERATION_GROUP, self.channel_name)
        await self._unfollow()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.allowed:
            return  # a refused socket's frames that arrived before it closed
        try:
            frame = protocol.parse(decode(text_data if text_data is not None else bytes_data))
        except ProtocolError as exc:
            await self.send_json(events.error(code=exc.code, detail=exc.detail))
            return
        if isinstance(frame, protocol.CaseFollow):
            conversation_id = await database_sync_to_async(selectors.case_followable)(
                case_id=frame.case_id, reader_id=self.user.pk
            )
            if conversation_id is None:
                await self.send_json(events.error(
                    code="forbidden", detail="Join the conversation from the case page to see it live."))
                return
            await self._unfollow()
            self.following = (frame.case_id, conversation_id)
            await self.channel_layer.group_add(events.group_name(conversation_id), self.channel_name)
            await self.send_json(moderation_events.case_following(case_id=frame.case_id))
        elif self.following is None or self.following[0] != frame.case_id:
            await self.send_json(events.error(code="forbidden", detail="Follow the case before typing in it."))
        else:
            await self.channel_layer.group_send(
                events.group_name(self.following[1]),
                events.envelope(self.following[1], events.typing(role="moderator", state=frame.state)),
            )

    async def moderation_event(self, event: dict) -> None:
        await self.send_json(event["event"])

    async def chat_event(self, event: dict) -> None:
        frame = event["event"]
        if frame["type"] == "typing" and frame["role"] == "moderator":
            return  # the moderator's own typing, echoed by the group
        await self.send_json(frame)
        if frame["type"] in ("support.left", "privacy.erased"):
            # The join that allowed watching has ended; seeing it again needs a new, recorded join.
            await self._unfollow()

    async def _unfollow(self) -> None:
        if self.following is not None:
            await self.channel_layer.group_discard(events.group_name(self.following[1]), self.channel_name)
            self.following = None

    @classmethod
    async def encode_json(cls, content: dict) -> str:
        return json.dumps(content, ensure_ascii=False)
