"""Small randomly initialised models built from configs, so that the code which loads any local Hugging Face
checkpoint runs for real without a model hub: a 2-layer GPT-2 chat model with a word-level tokenizer."""

from __future__ import annotations

from pathlib import Path

CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|> {{ message['content'] }} <|end|> {% endfor %}"
    "{% if add_generation_prompt %}<|assistant|> {% endif %}"
)
# Plain, safe words: whatever the random model strings together passes the reply safety check.
WORDS = ("i hear you that sounds hard and it makes sense to feel this way what has been on your mind today "
         "thank you for telling me how are you feeling right now a lot to carry tell me more about it").split()


def tiny_chat_model(directory: Path) -> Path:
    """Write a tokenizer (with a chat template) and a tiny GPT-2 to `directory`; return it."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    specials = ["<unk>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>"]
    vocab = {token: i for i, token in enumerate([*specials, *dict.fromkeys([*WORDS, ".", "?", ","])])}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", eos_token="<|end|>",
                                        pad_token="<|end|>", model_max_length=256,
                                        additional_special_tokens=specials[2:])
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(directory)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(vocab), n_positions=256, n_embd=32, n_layer=2, n_head=2,
                        eos_token_id=vocab["<|end|>"], bos_token_id=vocab["<|end|>"])
    GPT2LMHeadModel(config).save_pretrained(directory)
    return directory
