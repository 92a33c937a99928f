"""Models behind small interfaces: emotion, replies (and risk, later). Importable without Django settings."""

import os

# Models load from local paths only; never wait on a model hub that a worker cannot reach.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
