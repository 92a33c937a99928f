"""The backends this process serves, as configured (emochat/settings/inference.py).

Each function reads django.conf.settings when it is called, not when this module is imported, and hands the
backend's dotted path and options to `loader.build`, which builds it on first use and returns the same object
after that: a worker loads its models once, and a test that changes a setting (then calls `loader.reset()`) gets
a backend built from the new value. Importing this module loads no model and needs no configured settings.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from inference import loader
from inference.dialogue import library
from inference.dialogue.language import LANGUAGES
from inference.base import EmotionClassifier, ReplyGenerator, RiskDetector

BATCHER = "inference.batching.BatchingEmotionClassifier"
CRISIS = "inference.backends.curated.CrisisReplyGenerator"
FALLBACK = "inference.backends.curated.FallbackReplyGenerator"


def _backend(setting: str, name: str, backends: dict[str, str], options: dict[str, dict[str, Any]]) -> Any:
    """The backend `name` (a key of `backends`, or a dotted path) with its options; errors name `setting`."""
    path = backends.get(name, name)
    return loader.build(setting, path, **options.get(path, {}))


def emotion_classifier() -> EmotionClassifier:
    """The configured classifier; behind the batcher that pools concurrent messages when batching is on."""
    classifier = _backend("EMOCHAT_EMOTION_BACKEND", settings.EMOCHAT_EMOTION_BACKEND, settings.EMOTION_BACKENDS,
                          settings.EMOTION_BACKEND_OPTIONS)
    if not settings.EMOCHAT_EMOTION_BATCH_WAIT_MS:
        return classifier
    return loader.build("EMOCHAT_EMOTION_BATCH_SIZE", BATCHER, classifier=classifier,
                        max_size=settings.EMOCHAT_EMOTION_BATCH_SIZE,
                        max_wait_s=settings.EMOCHAT_EMOTION_BATCH_WAIT_MS / 1000,
                        observe=import_string(settings.EMOCHAT_EMOTION_BATCH_OBSERVER))


def risk_detector() -> RiskDetector:
    return _backend("EMOCHAT_RISK_BACKEND", settings.EMOCHAT_RISK_BACKEND, settings.RISK_BACKENDS,
                    settings.RISK_BACKEND_OPTIONS)


def reply_generator() -> ReplyGenerator:
    """The configured generator (EMOCHAT_REPLY_BACKEND). A generated reply is not reviewed (its `reviewed` is
    False): the caller checks it sentence by sentence."""
    options = settings.REPLY_BACKEND_OPTIONS
    if settings.EMOCHAT_REPLY_BACKEND == "fake":  # read at call time, so a test can change the pace
        options = {settings.REPLY_BACKENDS["fake"]: {"delay_ms": settings.EMOCHAT_FAKE_REPLY_DELAY_MS}}
    return _backend("EMOCHAT_REPLY_BACKEND", settings.EMOCHAT_REPLY_BACKEND, settings.REPLY_BACKENDS, options)


def library_generator() -> ReplyGenerator:
    """The reviewed library, whatever EMOCHAT_REPLY_BACKEND says: people at risk get replies from it only."""
    return _backend("EMOCHAT_REPLY_LIBRARY", "curated", settings.REPLY_BACKENDS, settings.REPLY_BACKEND_OPTIONS)


def crisis_generator() -> ReplyGenerator:
    """The crisis script for `request.risk_categories`. It loads no model, so the web process can stream it
    before it acknowledges the message."""
    return loader.build("EMOCHAT_REPLY_LIBRARY", CRISIS, library=settings.EMOCHAT_REPLY_LIBRARY)


def fallback_generator() -> ReplyGenerator:
    """A safe reply in place of one that failed (a model or endpoint error, a sentence failing the check). It
    loads no model, so it cannot fail the way the reply it replaces did."""
    return loader.build("EMOCHAT_REPLY_LIBRARY", FALLBACK, library=settings.EMOCHAT_REPLY_LIBRARY)


def reply_library(language: str) -> library.Library:
    """The reviewed reply library of a language ("en", "zh"), beside EMOCHAT_REPLY_LIBRARY."""
    return library.load_library(settings.EMOCHAT_REPLY_LIBRARY, language)


def models_check() -> None:
    """Raise loader.BackendError, naming the setting, when a configured model cannot load (no weights loaded)."""
    path = settings.EMOTION_BACKENDS.get(settings.EMOCHAT_EMOTION_BACKEND, settings.EMOCHAT_EMOTION_BACKEND)
    if path in {settings.EMOTION_BACKENDS[name] for name in ("transformers", "onnx", "auto")}:
        # The module imports torch: only a process configured to serve the model pays for it.
        from inference.modeling.emotion import check_model_dir

        check_model_dir(settings.EMOCHAT_EMOTION_MODEL)
    if settings.RISK_BACKENDS.get(settings.EMOCHAT_RISK_BACKEND) == settings.RISK_BACKENDS["transformers"]:
        from inference.backends.transformers_risk import check_model_dir as check_risk_dir

        check_risk_dir(settings.EMOCHAT_RISK_MODEL)
    for language in LANGUAGES:  # the fallback for every backend, in every language emochat answers in
        library.load_library(settings.EMOCHAT_REPLY_LIBRARY, language)


def models_load() -> None:
    """Load and warm every model this process serves, before the first person's message needs them."""
    emotion_classifier().classify(["warming up"])
    risk_detector().assess(["warming up"])
    reply_generator()
    library_generator()  # for people at risk, whatever the configured generator
    crisis_generator()
    fallback_generator()
