"""Per-socket delivery of numbered events in seq order, each once.

Events reach a socket from two places: the consumer itself (acks) and the conversation's group (emotions,
replies from workers). Their seq numbers are handed out in commit order, but they can arrive out of order:
an emotion committed as seq 3 may still be queued in the channel layer while the consumer acks the message
it just stored as seq 4. The gate holds 4 until 3 has been sent, and drops anything already sent (a replay
that overlapped a live event). If a gap does not fill by itself, the consumer backfills it from the database.
"""

from __future__ import annotations


class SeqGate:
    def __init__(self, delivered: int = 0):
        self.delivered = delivered
        self._held: dict[int, dict] = {}

    def reset(self, delivered: int) -> None:
        self.delivered = delivered
        self._held.clear()

    def offer(self, seq: int, frame: dict) -> list[dict]:
        """The frames that may be sent now, in order (possibly none, possibly several held ones)."""
        if seq <= self.delivered:
            return []
        self._held[seq] = frame
        return self._release()

    def replayed(self, up_to: int) -> list[dict]:
        """Everything up to `up_to` was just sent by a replay; release what follows it."""
        self.delivered = max(self.delivered, up_to)
        for seq in [s for s in self._held if s <= self.delivered]:
            del self._held[seq]
        return self._release()

    @property
    def waiting(self) -> bool:
        return bool(self._held)

    def _release(self) -> list[dict]:
        ready = []
        while self.delivered + 1 in self._held:
            self.delivered += 1
            ready.append(self._held.pop(self.delivered))
        return ready


def seq_of(frame: dict) -> int | None:
    """The sequence number a frame carries, if it is an event-bearing one."""
    if frame["type"] == "message.emotion":
        return frame["seq"]
    if frame["type"] in ("message.ack", "reply.end", "message.new"):
        return frame["message"]["seq"]
    return None
