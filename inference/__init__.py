"""emochat's models behind small interfaces: emotion, risk and replies. Importable without Django settings, and
never imports the project's Django apps.

- `types` holds the values that cross into the rest of emochat; `base` the interfaces (`EmotionClassifier`,
  `RiskDetector`, `ReplyGenerator`).
- `backends/` has one module per backend; `backends/fake` holds the deterministic stand-ins. `safety_net`, the
  rule-based first layer of crisis detection, is a risk backend too; `safety` checks generated sentences.
- `handles` serves the backends configured in settings, each built once per process by `loader`; `batching`
  pools concurrent emotion readings for the model.
- `modeling/` is what the backends and training share: the device, all-MiniLM-L6-v2 with its LoRA adapters, the
  risk model's input and levels.
- `training/` fine-tunes the shipped models (`manage.py train_emotion`, `train_risk`) around one loop; nothing
  that runs in a worker imports it.
"""

import os

# Models load from local paths only; never wait on a model hub that a worker cannot reach.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
