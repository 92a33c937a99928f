"""Inference: which device the workers' models run on, and which models."""

from emochat import env

EMOCHAT_DEVICE = env.choice("EMOCHAT_DEVICE", "auto", ("auto", "cpu", "cuda"))

# Backends by name (or a dotted path), built once per process (inference/loader.py).
# `auto`: `onnx` where the models run on the CPU (EMOCHAT_DEVICE) and onnxruntime is installed, else `transformers`.
EMOTION_BACKENDS = {
    "auto": "inference.backends.onnx_emotion.auto_emotion_classifier",
    "keyword": "inference.backends.fake.KeywordEmotionClassifier",
    "onnx": "inference.backends.onnx_emotion.OnnxEmotionClassifier",
    "transformers": "inference.backends.transformers_emotion.TransformersEmotionClassifier",
}
EMOCHAT_EMOTION_BACKEND = env.string("EMOCHAT_EMOTION_BACKEND", "auto")
REPLY_BACKENDS = {
    "curated": "inference.backends.curated.CuratedReplyGenerator",
    "transformers": "inference.backends.transformers_reply.TransformersReplyGenerator",
    "openai": "inference.backends.openai_reply.OpenAIReplyGenerator",
    "fake": "inference.backends.fake.TemplateReplyGenerator",
}
EMOCHAT_REPLY_BACKEND = env.choice("EMOCHAT_REPLY_BACKEND", "curated", tuple(REPLY_BACKENDS))
# Pause between the words of a curated reply in the worker. 0: the page paces replies (below), and a worker thread
# is not held for the length of one.
EMOCHAT_CURATED_REPLY_PACE_MS = env.integer("EMOCHAT_CURATED_REPLY_PACE_MS", 0, minimum=0)
# The chat page writes a live reply out one word (or two Chinese characters) per this many milliseconds, however
# fast it arrives; 0 shows it as it arrives. People who ask their browser for less motion always get 0.
EMOCHAT_REPLY_REVEAL_MS = env.integer("EMOCHAT_REPLY_REVEAL_MS", 70, minimum=0)
# emochat's reviewed reply library; an operator may point this at their own reviewed copy.
EMOCHAT_REPLY_LIBRARY = env.string("EMOCHAT_REPLY_LIBRARY", str(env.BASE_DIR / "inference" / "data" / "replies.toml"))
# `transformers` replies: a local chat model directory (with a chat template).
EMOCHAT_GENERATOR_MODEL = env.string("EMOCHAT_GENERATOR_MODEL")
EMOCHAT_GENERATOR_MAX_NEW_TOKENS = env.integer("EMOCHAT_GENERATOR_MAX_NEW_TOKENS", 200, minimum=1)
# `openai` replies: any OpenAI-compatible endpoint, e.g. http://127.0.0.1:8001/v1 for vLLM.
EMOCHAT_OPENAI_BASE_URL = env.string("EMOCHAT_OPENAI_BASE_URL")
EMOCHAT_OPENAI_MODEL = env.string("EMOCHAT_OPENAI_MODEL")
EMOCHAT_OPENAI_API_KEY = env.string("EMOCHAT_OPENAI_API_KEY")
EMOCHAT_OPENAI_TIMEOUT = env.integer("EMOCHAT_OPENAI_TIMEOUT", 30, minimum=1)
EMOCHAT_OPENAI_MAX_RETRIES = env.integer("EMOCHAT_OPENAI_MAX_RETRIES", 2, minimum=0)
# Pace of the fake reply generator, so streaming can be seen (and tested) without a model.
EMOCHAT_FAKE_REPLY_DELAY_MS = env.integer("EMOCHAT_FAKE_REPLY_DELAY_MS", 30, minimum=0)
REPLY_BACKEND_OPTIONS = {
    REPLY_BACKENDS["curated"]: {
        "library": EMOCHAT_REPLY_LIBRARY, "device": EMOCHAT_DEVICE, "pace_ms": EMOCHAT_CURATED_REPLY_PACE_MS,
    },
    REPLY_BACKENDS["transformers"]: {
        "model_dir": EMOCHAT_GENERATOR_MODEL, "device": EMOCHAT_DEVICE,
        "max_new_tokens": EMOCHAT_GENERATOR_MAX_NEW_TOKENS,
    },
    REPLY_BACKENDS["openai"]: {
        "base_url": EMOCHAT_OPENAI_BASE_URL, "model": EMOCHAT_OPENAI_MODEL, "api_key": EMOCHAT_OPENAI_API_KEY,
        "timeout_s": EMOCHAT_OPENAI_TIMEOUT, "max_retries": EMOCHAT_OPENAI_MAX_RETRIES,
    },
}
# Seconds after which a person whose message has no reply started is told the service is slow.
EMOCHAT_REPLY_TIMEOUT = env.integer("EMOCHAT_REPLY_TIMEOUT", 60, minimum=1)

# Training and evaluation data (GoEmotions, crisis); never part of the repository.
EMOCHAT_DATA_DIR = env.string("EMOCHAT_DATA_DIR", str(env.BASE_DIR.parent / "shared" / "data"))
# The emotion model emochat ships: a LoRA adapter over all-MiniLM-L6-v2 (`manage.py train_emotion` writes it).
EMOCHAT_EMOTION_ARTIFACT = str(env.BASE_DIR / "inference" / "models" / "emotion-minilm")
# Any local Hugging Face sequence-classification checkpoint whose labels are the 28 GoEmotions names.
EMOCHAT_EMOTION_MODEL = env.string("EMOCHAT_EMOTION_MODEL", EMOCHAT_EMOTION_ARTIFACT)
# The risk model (crisis detection's second layer): a LoRA adapter over all-MiniLM-L6-v2 (`manage.py train_risk`).
EMOCHAT_RISK_MODEL = env.string("EMOCHAT_RISK_MODEL", str(env.BASE_DIR / "inference" / "models" / "risk-minilm"))
# `onnx` emotion readings: the int8 graph built from EMOCHAT_EMOTION_MODEL is kept here (`manage.py
# emotion_export_onnx` builds it ahead of time; a worker builds it at start when it is missing), and ONNX Runtime's
# threads per call (0: one per physical core).
EMOCHAT_ONNX_CACHE_DIR = env.string("EMOCHAT_ONNX_CACHE_DIR", str(env.BASE_DIR / ".data" / "onnx"))
EMOCHAT_ONNX_THREADS = env.integer("EMOCHAT_ONNX_THREADS", 0, minimum=0)
EMOTION_BACKEND_OPTIONS = {
    EMOTION_BACKENDS["transformers"]: {"model_dir": EMOCHAT_EMOTION_MODEL, "device": EMOCHAT_DEVICE},
    EMOTION_BACKENDS["onnx"]: {
        "model_dir": EMOCHAT_EMOTION_MODEL, "cache_dir": EMOCHAT_ONNX_CACHE_DIR, "threads": EMOCHAT_ONNX_THREADS,
    },
    EMOTION_BACKENDS["auto"]: {
        "model_dir": EMOCHAT_EMOTION_MODEL, "device": EMOCHAT_DEVICE, "cache_dir": EMOCHAT_ONNX_CACHE_DIR,
        "threads": EMOCHAT_ONNX_THREADS,
    },
}

# Dynamic batching of emotion readings in an inference worker (inference/batching.py): a batch runs when it
# holds this many messages, or this many milliseconds after its first arrived (0 turns batching off).
EMOCHAT_EMOTION_BATCH_SIZE = env.integer("EMOCHAT_EMOTION_BATCH_SIZE", 32, minimum=1)
EMOCHAT_EMOTION_BATCH_WAIT_MS = env.integer("EMOCHAT_EMOTION_BATCH_WAIT_MS", 5, minimum=0)

# Crisis detection's second layer, on the priority lane: `transformers` (emochat's risk model, or
# EMOCHAT_RISK_MODEL), or `safety_net` (the rules alone: a worker that must not load a model).
RISK_BACKENDS = {
    "transformers": "inference.backends.transformers_risk.TransformersRiskDetector",
    "safety_net": "inference.safety_net.SafetyNetRiskDetector",
}
EMOCHAT_RISK_BACKEND = env.choice("EMOCHAT_RISK_BACKEND", "transformers", tuple(RISK_BACKENDS))
RISK_BACKEND_OPTIONS = {
    RISK_BACKENDS["transformers"]: {"model_dir": EMOCHAT_RISK_MODEL, "device": EMOCHAT_DEVICE},
}
