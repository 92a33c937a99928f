"""Client frames parsed without a socket (conversations/protocol.py)."""

import uuid

import pytest

from conversations.chat import protocol


def test_send_frame_parses_to_a_typed_value():
    client_id = uuid.uuid4()
    frame = protocol.parse({"type": "message.send", "client_id": str(client_id), "text": "hi", "extra": 1})

    assert frame == protocol.Send(client_id=client_id, text="hi")


def test_errors_echo_only_a_plausible_client_id():
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse({"type": "message.send", "client_id": "x" * 500, "text": ""})
    assert caught.value.client_id is None


@pytest.mark.parametrize("raw", [b"\xc3\x28", "null", "", "[]", '"text"'])
def test_decode_rejects_what_is_not_a_json_object(raw):
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.decode(raw)
    assert caught.value.code == "invalid"


def test_booleans_are_not_sequence_numbers():
    with pytest.raises(protocol.ProtocolError):
        protocol.parse({"type": "resume", "after_seq": True})


def test_past_conversations_are_listed_and_one_is_opened_by_its_id():
    conversation_id = uuid.uuid4()

    assert protocol.parse({"type": "conversations.list"}) == protocol.ListConversations()
    assert protocol.parse({"type": "conversation.open", "id": str(conversation_id)}) == \
        protocol.OpenConversation(conversation_id=conversation_id)


@pytest.mark.parametrize("value", [None, 7, "", "not-a-uuid"])
def test_opening_needs_a_conversation_id(value):
    with pytest.raises(protocol.ProtocolError) as raised:
        protocol.parse({"type": "conversation.open", "id": value})

    assert raised.value.code == "invalid"
