"""Inference: which device the workers' models run on."""

from emochat import env

EMOCHAT_DEVICE = env.choice("EMOCHAT_DEVICE", "auto", ("auto", "cpu", "cuda"))

# Backends by dotted path, built once per process (inference/loader.py).
EMOCHAT_EMOTION_BACKEND = env.string("EMOCHAT_EMOTION_BACKEND", "inference.backends.fake.KeywordEmotionClassifier")
REPLY_BACKENDS = {
    "fake": "inference.backends.fake.TemplateReplyGenerator",
}
EMOCHAT_REPLY_BACKEND = env.choice("EMOCHAT_REPLY_BACKEND", "fake", tuple(REPLY_BACKENDS))
# Pace of the fake reply generator, so streaming can be seen (and tested) without a model.
EMOCHAT_FAKE_REPLY_DELAY_MS = env.integer("EMOCHAT_FAKE_REPLY_DELAY_MS", 30, minimum=0)
# Seconds after which a person whose message has no reply started is told the service is slow.
EMOCHAT_REPLY_TIMEOUT = env.integer("EMOCHAT_REPLY_TIMEOUT", 60, minimum=1)
