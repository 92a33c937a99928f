"""Inference: which device the workers' models run on."""

from emochat import env

EMOCHAT_DEVICE = env.choice("EMOCHAT_DEVICE", "auto", ("auto", "cpu", "cuda"))
