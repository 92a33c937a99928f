"""Metrics, structured logs and the ids bound to them (docs/observability.md).

`metrics` and `context` import nothing of the project's, so any process can load them cheaply; `logs` configures
logging for every process; `collectors` and `exposition` serve the web process's `/metrics`; `workers` hooks the
Celery workers; `sockets` counts WebSocket connections. Nothing is imported here: settings load `logs` before
Django's apps are ready, when `collectors` could not be imported.
"""
