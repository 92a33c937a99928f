"""Inference: which device the workers' models run on, and which models."""

from emochat import env

EMOCHAT_DEVICE = env.choice("EMOCHAT_DEVICE", "auto", ("auto", "cpu", "cuda"))

# Backends by name (or a dotted path), built once per process (inference/loader.py).
EMOTION_BACKENDS = {
    "keyword": "inference.backends.fake.KeywordEmotionClassifier",
    "transformers": "inference.backends.transformers_emotion.TransformersEmotionClassifier",
}
EMOCHAT_EMOTION_BACKEND = env.string("EMOCHAT_EMOTION_BACKEND", "transformers")
REPLY_BACKENDS = {
    "fake": "inference.backends.fake.TemplateReplyGenerator",
}
EMOCHAT_REPLY_BACKEND = env.choice("EMOCHAT_REPLY_BACKEND", "fake", tuple(REPLY_BACKENDS))
# Pace of the fake reply generator, so streaming can be seen (and tested) without a model.
EMOCHAT_FAKE_REPLY_DELAY_MS = env.integer("EMOCHAT_FAKE_REPLY_DELAY_MS", 30, minimum=0)
# Seconds after which a person whose message has no reply started is told the service is slow.
EMOCHAT_REPLY_TIMEOUT = env.integer("EMOCHAT_REPLY_TIMEOUT", 60, minimum=1)

# Training and evaluation data (GoEmotions, crisis); never part of the repository.
EMOCHAT_DATA_DIR = env.string("EMOCHAT_DATA_DIR", str(env.BASE_DIR.parent / "shared" / "data"))
# The emotion model emochat ships: a LoRA adapter over all-MiniLM-L6-v2 (`manage.py train_emotion` writes it).
EMOCHAT_EMOTION_ARTIFACT = str(env.BASE_DIR / "inference" / "models" / "emotion-minilm")
# Any local Hugging Face sequence-classification checkpoint whose labels are the 28 GoEmotions names.
EMOCHAT_EMOTION_MODEL = env.string("EMOCHAT_EMOTION_MODEL", EMOCHAT_EMOTION_ARTIFACT)
EMOTION_BACKEND_OPTIONS = {
    "inference.backends.transformers_emotion.TransformersEmotionClassifier": {
        "model_dir": EMOCHAT_EMOTION_MODEL, "device": EMOCHAT_DEVICE,
    },
}
