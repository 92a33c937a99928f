from conversations.chat.ordering import SeqGate, seq_of


def numbered(seq: int) -> dict:
    return {"type": "message.emotion", "seq": seq}


def test_in_order_frames_pass_straight_through():
    gate = SeqGate(delivered=2)

    assert gate.offer(3, numbered(3)) == [numbered(3)]
    assert gate.offer(4, numbered(4)) == [numbered(4)]
    assert not gate.waiting


def test_a_frame_ahead_of_a_gap_waits_for_it_and_both_go_in_order():
    gate = SeqGate(delivered=2)

    assert gate.offer(4, numbered(4)) == []
    assert gate.waiting
    assert gate.offer(3, numbered(3)) == [numbered(3), numbered(4)]
    assert gate.delivered == 4


def test_frames_already_sent_are_dropped():
    gate = SeqGate(delivered=5)

    assert gate.offer(5, numbered(5)) == []
    assert gate.offer(2, numbered(2)) == []


def test_a_replay_fills_gaps_and_releases_what_follows():
    gate = SeqGate(delivered=1)
    gate.offer(3, numbered(3))
    gate.offer(5, numbered(5))

    assert gate.replayed(4) == [numbered(5)]
    assert gate.delivered == 5 and not gate.waiting


def test_seq_of_reads_messages_and_emotions_only():
    assert seq_of({"type": "message.ack", "message": {"seq": 7}}) == 7
    assert seq_of({"type": "reply.end", "message": {"seq": 8}}) == 8
    assert seq_of(numbered(9)) == 9
    assert seq_of({"type": "reply.delta", "message_id": "x", "text": "y"}) is None
