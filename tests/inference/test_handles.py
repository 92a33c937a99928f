"""The configured backends (inference/handles.py): built from settings read at call time, once per process, and
the library's crisis and fallback replies served without a model."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from inference import handles, loader
from inference.backends.curated import CuratedReplyGenerator, crisis_reply, fallback_reply, load_library, pieces_of
from inference.backends.fake import KeywordEmotionClassifier, TemplateReplyGenerator
from inference.batching import BatchingEmotionClassifier
from inference.safety_net import SafetyNetRiskDetector
from inference.types import ReplyRequest, Turn
from tests.processes import ROOT, environment

# The backends that need no model, as a test worker would configure them.
NO_MODELS = {"EMOCHAT_EMOTION_BACKEND": "keyword", "EMOCHAT_RISK_BACKEND": "safety_net",
             "EMOCHAT_REPLY_BACKEND": "fake", "EMOCHAT_FAKE_REPLY_DELAY_MS": 0, "EMOCHAT_EMOTION_BATCH_WAIT_MS": 0}


@pytest.fixture(autouse=True)
def fresh_backends():
    loader.reset()
    yield
    loader.reset()


@override_settings(**NO_MODELS)
def test_each_configured_backend_is_built_once_and_reads_for_real():
    classifier, detector, generator = handles.emotion_classifier(), handles.risk_detector(), handles.reply_generator()

    assert handles.emotion_classifier() is classifier and handles.risk_detector() is detector
    assert handles.reply_generator() is generator
    assert isinstance(classifier, KeywordEmotionClassifier) and isinstance(detector, SafetyNetRiskDetector)
    assert isinstance(generator, TemplateReplyGenerator)
    assert classifier.classify(["I feel so sad"])[0].group == "sadness"
    [risk] = detector.assess(["I want to die"])
    assert risk.flagged and risk.categories == ("self_harm",)
    reply = "".join(generator.stream(ReplyRequest(text="hello", emotion=None)))
    assert reply == "Thank you for telling me. What feels most important to talk about right now?"


@override_settings(**{**NO_MODELS, "EMOCHAT_EMOTION_BATCH_WAIT_MS": 5, "EMOCHAT_EMOTION_BATCH_SIZE": 8})
def test_with_batching_on_the_classifier_sits_behind_the_batcher():
    classifier = handles.emotion_classifier()

    assert isinstance(classifier, BatchingEmotionClassifier) and handles.emotion_classifier() is classifier
    assert isinstance(classifier.classifier, KeywordEmotionClassifier)
    assert (classifier.max_size, classifier.max_wait) == (8, 0.005)
    assert classifier.classify(["I'm so happy"]) == KeywordEmotionClassifier().classify(["I'm so happy"])


def test_the_fake_generators_pace_is_read_when_it_is_asked_for():
    with override_settings(**NO_MODELS):
        still = handles.reply_generator()
    with override_settings(**{**NO_MODELS, "EMOCHAT_FAKE_REPLY_DELAY_MS": 40}):
        paced = handles.reply_generator()

    assert (still.delay, paced.delay) == (0.0, 0.04)


@override_settings(**NO_MODELS, REPLY_BACKEND_OPTIONS={
    settings.REPLY_BACKENDS["curated"]: {"library": settings.EMOCHAT_REPLY_LIBRARY, "device": "cpu", "pace_ms": 0}})
def test_the_library_generator_is_the_reviewed_library_whatever_the_reply_backend():
    generator = handles.library_generator()
    request = ReplyRequest(text="I got the job!!", emotion=None, conversation_id="c")

    assert isinstance(generator, CuratedReplyGenerator) and generator.reviewed
    assert handles.library_generator() is generator
    assert "".join(generator.stream(request)) == generator.compose(request)
    assert generator.libraries["en"] == load_library(settings.EMOCHAT_REPLY_LIBRARY)
    assert generator.libraries["zh"] == load_library(settings.EMOCHAT_REPLY_LIBRARY, "zh")


@pytest.mark.parametrize("categories", [(), ("self_harm",), ("harm_to_others",), ("being_harmed",), ("third_party",),
                                        ("being_harmed", "self_harm")])
def test_the_crisis_generator_streams_the_script_for_the_categories_read(categories):
    library = load_library(settings.EMOCHAT_REPLY_LIBRARY)
    request = ReplyRequest(text="I can't go on", emotion=None, conversation_id="c", risk_categories=categories)

    pieces = list(handles.crisis_generator().stream(request))

    script = crisis_reply(request, categories, library)
    assert pieces == pieces_of(script) and len(pieces) > 1
    assert script in library.crisis[(categories or ("self_harm",))[0]]
    assert handles.crisis_generator().reviewed and handles.crisis_generator() is handles.crisis_generator()


def test_a_crisis_request_without_categories_gets_the_self_harm_script():
    request = ReplyRequest(text="help", emotion=None, conversation_id="c")

    assert "".join(handles.crisis_generator().stream(request)) in load_library().crisis["self_harm"]


def test_a_message_in_chinese_gets_the_crisis_script_in_chinese():
    request = ReplyRequest(text="我不想活了", emotion=None, conversation_id="c", risk_categories=("self_harm",))

    assert "".join(handles.crisis_generator().stream(request)) in load_library(language="zh").crisis["self_harm"]


def test_the_fallback_generator_streams_the_fallback_and_not_the_one_just_used():
    first = ReplyRequest(text="x", emotion=None, conversation_id="f")
    again = ReplyRequest(text="x", emotion=None, conversation_id="f",
                         history=(Turn("assistant", fallback_reply(first)),))

    replies = ["".join(handles.fallback_generator().stream(request)) for request in (first, again)]

    assert replies == [fallback_reply(first, load_library(settings.EMOCHAT_REPLY_LIBRARY)), fallback_reply(again)]
    assert replies[0] != replies[1] and set(replies) <= set(load_library().fallbacks)
    assert handles.fallback_generator().reviewed


def test_crisis_and_fallback_replies_load_no_model():
    code = ("import sys; from django.conf import settings; settings.configure(EMOCHAT_REPLY_LIBRARY=sys.argv[1]); "
            "from inference import handles; from inference.types import ReplyRequest; "
            "request = ReplyRequest(text='I want to die', emotion=None, risk_categories=('self_harm',)); "
            "assert ''.join(handles.crisis_generator().stream(request)); "
            "assert ''.join(handles.fallback_generator().stream(request)); "
            "sys.exit(', '.join(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules) "
            "or None)")
    result = subprocess.run([sys.executable, "-c", code, settings.EMOCHAT_REPLY_LIBRARY], cwd=ROOT,
                            env=environment(DJANGO_SETTINGS_MODULE=None), capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr


def test_models_check_passes_on_what_is_configured_without_loading_it():
    with override_settings(**NO_MODELS):
        handles.models_check()
    with override_settings(EMOCHAT_EMOTION_BACKEND="transformers",
                           EMOCHAT_EMOTION_MODEL=settings.EMOCHAT_EMOTION_ARTIFACT):
        handles.models_check()


@pytest.mark.parametrize("emotion_backend", ["transformers", "onnx", "auto"])
@pytest.mark.parametrize("setting", ["EMOCHAT_EMOTION_MODEL", "EMOCHAT_RISK_MODEL", "EMOCHAT_REPLY_LIBRARY"])
def test_models_check_names_the_setting_of_a_model_that_cannot_load(tmp_path, setting, emotion_backend):
    bad = {"EMOCHAT_EMOTION_BACKEND": emotion_backend, "EMOCHAT_RISK_BACKEND": "transformers",
           setting: str(tmp_path / "no-such-model")}

    with override_settings(**bad), pytest.raises(loader.BackendError, match=setting) as caught:
        handles.models_check()
    assert "no-such-model" in str(caught.value)


@pytest.mark.parametrize(("setting", "handle"), [("EMOCHAT_EMOTION_BACKEND", handles.emotion_classifier),
                                                 ("EMOCHAT_RISK_BACKEND", handles.risk_detector),
                                                 ("EMOCHAT_REPLY_BACKEND", handles.reply_generator)])
def test_a_backend_path_that_does_not_import_names_its_setting(setting, handle):
    with override_settings(**{**NO_MODELS, setting: "inference.backends.nothing.Here"}), \
            pytest.raises(loader.BackendError, match=setting):
        handle()


@override_settings(**NO_MODELS, REPLY_BACKEND_OPTIONS={
    settings.REPLY_BACKENDS["curated"]: {"library": settings.EMOCHAT_REPLY_LIBRARY, "device": "cpu", "pace_ms": 0}})
def test_models_load_builds_what_the_process_serves_once():
    every = (handles.emotion_classifier, handles.risk_detector, handles.reply_generator, handles.library_generator,
             handles.crisis_generator, handles.fallback_generator)

    handles.models_load()
    built = [handle() for handle in every]
    handles.models_load()

    assert all(handle() is backend for handle, backend in zip(every, built))
    assert len({id(backend) for backend in built}) == len(every)


def test_inference_imports_without_settings_the_app_or_training():
    code = ("import sys, inference.handles, inference.backends.transformers_risk, "
            "inference.backends.transformers_emotion, inference.backends.transformers_reply, "
            "inference.backends.curated; "
            "sys.exit(', '.join(m for m in sys.modules if m.split('.')[0] in ('conversations', 'emochat') "
            "or m.startswith('inference.training')) or None)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment(DJANGO_SETTINGS_MODULE=None),
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr

