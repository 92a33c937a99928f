"""The moderators' socket, /ws/moderation/ (docs/moderation.md)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from conversations import permissions
from conversations.chat import events
from conversations.chat.protocol import CLOSE_FORBIDDEN, ProtocolError, decode
from conversations.moderation import events as moderation_events
from conversations.moderation import protocol, selectors, two_factor

logger = logging.getLogger(__name__)

# How often an open socket checks its user's access again on its own: the safety net for changes no signal sees
# (SQL, a queryset update()); every change made through Django closes it within a second or so (team.py).
RECHECK_SECONDS = 30.0


class ModerationConsumer(AsyncJsonWebsocketConsumer):
    """A moderator's queue or case page (/ws/moderation/): every case change, and, for a case whose conversation
    this moderator joined, that conversation live. Validates a frame, calls one selector, replies."""

    # The case this socket watches live and its conversation; one at a time, so forwarded frames are unambiguous.
    following: tuple[UUID, UUID] | None = None
    allowed = False
    # This user's own group (events.staff_group), joined once the socket is allowed, and the periodic re-check.
    staff_group: str | None = None
    rechecking: asyncio.Task | None = None

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
        self.staff_group = moderation_events.staff_group(self.user.pk)
        await self.channel_layer.group_add(self.staff_group, self.channel_name)
        await self.channel_layer.group_add(moderation_events.MODERATION_GROUP, self.channel_name)
        self.rechecking = asyncio.create_task(self._recheck_every(RECHECK_SECONDS))

    async def disconnect(self, code: int) -> None:
        if self.rechecking is not None:
            self.rechecking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.rechecking
        await self.channel_layer.group_discard(moderation_events.MODERATION_GROUP, self.channel_name)
        if self.staff_group is not None:
            await self.channel_layer.group_discard(self.staff_group, self.channel_name)
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
        if self.allowed:
            await self.send_json(event["event"])

    async def staff_revoked(self, event: dict) -> None:
        """This user's access changed (team.py): check it again, from the database."""
        await self._recheck()

    async def chat_event(self, event: dict) -> None:
        if not self.allowed:
            return
        frame = event["event"]
        if frame["type"] == "typing" and frame["role"] == "moderator":
            return  # the moderator's own typing, echoed by the group
        await self.send_json(frame)
        if frame["type"] in ("support.left", "privacy.erased"):
            # The join that allowed watching has ended; seeing it again needs a new, recorded join.
            await self._unfollow()

    async def _recheck(self) -> None:
        if not self.allowed:
            return
        still = await database_sync_to_async(selectors.moderator_allowed)(user_id=self.user.pk)
        if still or not self.allowed:  # or the periodic re-check and a signalled one both found it gone
            return
        # Nothing more reaches this page from now on, not even a frame already on its way.
        self.allowed = False
        await self._unfollow()
        await self.send_json(events.error(code="forbidden", detail="Your access to the moderation queue has ended."))
        await self.close(code=CLOSE_FORBIDDEN)

    async def _recheck_every(self, seconds: float) -> None:
        while self.allowed:
            await asyncio.sleep(seconds)
            try:
                await self._recheck()
            except Exception:  # a database or layer hiccup must not end the safety net; the next round retries
                logger.exception("moderation socket of user %s: access re-check failed; retrying", self.user.pk)

    async def _unfollow(self) -> None:
        if self.following is not None:
            await self.channel_layer.group_discard(events.group_name(self.following[1]), self.channel_name)
            self.following = None

    @classmethod
    async def encode_json(cls, content: dict) -> str:
        return json.dumps(content, ensure_ascii=False)
