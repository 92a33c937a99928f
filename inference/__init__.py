"""Models behind small interfaces: emotion, replies (and risk, later). Importable without Django settings."""
