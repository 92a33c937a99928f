"""Settings come from the environment; production refuses to start without what protects people's data."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from emochat import env
from tests.processes import ROOT

PRINT_SETTINGS = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def production_env(**overrides: str | None) -> dict[str, str]:
    values = {
        "DJANGO_SETTINGS_MODULE": "emochat.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "EMOCHAT_ENCRYPTION_KEYS": "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": "postgres://emochat@db.internal:5432/emochat",
        "EMOCHAT_KEYS_DATABASE_URL": "postgres://emochat_keys@keys.internal:5432/emochat_keys",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "DJANGO_ALLOWED_HOSTS": "chat.example.org",
        **overrides,
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMOCHAT_", "DATABASE_", "REDIS_"))}
    return {**base, **{k: v for k, v in values.items() if v is not None}}


def run_python(code: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=60)


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "django-insecure-emochat-development-only-never-use-in-production"},
         "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"EMOCHAT_ENCRYPTION_KEYS": None}, "EMOCHAT_ENCRYPTION_KEYS"),
        ({"EMOCHAT_ENCRYPTION_KEYS": "dev:ZW1vY2hhdC1pbnNlY3VyZS1kZXZlbG9wbWVudC1rZXk="}, "EMOCHAT_ENCRYPTION_KEYS"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"EMOCHAT_KEYS_DATABASE_URL": None}, "EMOCHAT_KEYS_DATABASE_URL"),
        ({"EMOCHAT_KEYS_DATABASE_URL": "postgres://other@db.internal:5432/emochat"}, "EMOCHAT_KEYS_DATABASE_URL"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG"),
    ],
    ids=["no-secret", "dev-secret", "short-secret", "no-encryption-key", "dev-encryption-key", "no-database",
         "no-keys-database", "keys-in-the-conversation-database", "no-redis", "no-hosts", "debug-on"],
)
def test_production_refuses_to_start_and_names_the_variable(overrides, named):
    result = run_python(PRINT_SETTINGS, production_env(**overrides))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]


def test_production_error_never_echoes_a_secret_value():
    leaked = "django-insecure-" + secrets.token_urlsafe(8)
    result = run_python(PRINT_SETTINGS, production_env(DJANGO_SECRET_KEY=leaked))

    assert result.returncode != 0
    assert leaked not in result.stderr


@pytest.mark.parametrize(("value", "debug"), [(None, "False"), ("0", "False"), ("1", "True")])
def test_debug_is_off_unless_asked_for(value, debug):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    environment["DJANGO_SETTINGS_MODULE"] = "emochat.settings.local"
    if value is not None:
        environment["DJANGO_DEBUG"] = value

    result = run_python(PRINT_SETTINGS, environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == debug


class TestEnvReaders:
    def test_flag_rejects_a_typo(self, monkeypatch):
        monkeypatch.setenv("EMOCHAT_SOME_FLAG", "treu")
        with pytest.raises(ImproperlyConfigured, match="EMOCHAT_SOME_FLAG"):
            env.flag("EMOCHAT_SOME_FLAG")

    def test_integer_rejects_words_and_values_below_minimum(self, monkeypatch):
        monkeypatch.setenv("EMOCHAT_N", "ten")
        with pytest.raises(ImproperlyConfigured, match="EMOCHAT_N must be a whole number"):
            env.integer("EMOCHAT_N", 1)
        monkeypatch.setenv("EMOCHAT_N", "0")
        with pytest.raises(ImproperlyConfigured, match="at least 1"):
            env.integer("EMOCHAT_N", 1, minimum=1)

    def test_csv_and_defaults(self, monkeypatch):
        monkeypatch.setenv("EMOCHAT_LIST", " a.example , b.example,, ")
        monkeypatch.delenv("EMOCHAT_MISSING", raising=False)
        assert env.csv("EMOCHAT_LIST", []) == ["a.example", "b.example"]
        assert env.csv("EMOCHAT_MISSING", ["x"]) == ["x"]

    def test_bad_database_url_names_the_variable_and_hides_the_value(self, monkeypatch):
        monkeypatch.setenv("EMOCHAT_DB", "nosuchscheme://user:hunter2@host/db")
        with pytest.raises(ImproperlyConfigured) as caught:
            env.database("EMOCHAT_DB", "sqlite:///x")
        assert "EMOCHAT_DB" in str(caught.value)
        assert "hunter2" not in str(caught.value)

    def test_choice(self, monkeypatch):
        monkeypatch.setenv("EMOCHAT_DEVICE_X", "tpu")
        with pytest.raises(ImproperlyConfigured, match="auto, cpu, cuda"):
            env.choice("EMOCHAT_DEVICE_X", "auto", ("auto", "cpu", "cuda"))
