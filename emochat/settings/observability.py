"""Logs and metrics (docs/observability.md)."""

from emochat import env
from emochat.observability import logs

LOG_LEVEL = env.choice("EMOCHAT_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
# `json`: one JSON object per line, for a log collector (production's default); `plain`: text for a terminal.
EMOCHAT_LOG_FORMAT = env.choice("EMOCHAT_LOG_FORMAT", "plain", logs.FORMATS)
# Applies LOGGING and routes structlog's loggers through it.
LOGGING_CONFIG = "emochat.observability.logs.configure"
LOGGING = logs.logging_config(log_format=EMOCHAT_LOG_FORMAT, level=LOG_LEVEL)

# /metrics answers only a request from these addresses (comma-separated addresses or CIDR ranges; `none`: no
# address is trusted by itself) or one carrying `Authorization: Bearer <EMOCHAT_METRICS_TOKEN>`; anyone else gets
# a 404. Behind a proxy Daphne takes the address from X-Forwarded-For (--proxy-headers): the client's, not the
# proxy's.
EMOCHAT_METRICS_ALLOWED_CIDRS = env.networks(
    "EMOCHAT_METRICS_ALLOWED_CIDRS",
    ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)
EMOCHAT_METRICS_TOKEN = env.string("EMOCHAT_METRICS_TOKEN")
# A Celery worker serves its own metrics over HTTP on the first free port from this one (0: off), on this address.
EMOCHAT_WORKER_METRICS_PORT = env.integer("EMOCHAT_WORKER_METRICS_PORT", 0, minimum=0)
EMOCHAT_WORKER_METRICS_ADDR = env.string("EMOCHAT_WORKER_METRICS_ADDR", "127.0.0.1")
# Set for a prefork worker: its processes share their values through files here (prometheus_client reads the
# variable itself); the directory is emptied when the worker starts, so give each worker its own.
PROMETHEUS_MULTIPROC_DIR = env.string("PROMETHEUS_MULTIPROC_DIR")
# What the emotion batcher (inference/batching.py) calls with the size of each batch it runs: a dotted path, so
# inference, which imports nothing of emochat's, can report to emochat's metrics.
EMOCHAT_EMOTION_BATCH_OBSERVER = "emochat.observability.metrics.emotion_batch"
