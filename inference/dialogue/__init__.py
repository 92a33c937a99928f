"""The dialogue manager: what a message is (understanding.py), where the conversation is (state.py), which
support strategy the reply uses (policy.py), and the reviewed words it says them with (library.py). Pure Python:
the chat keeps the state sealed on the conversation, the reply backends realise the plan. docs/replies.md
describes all of it."""
