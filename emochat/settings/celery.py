"""Celery: a RabbitMQ broker when CELERY_BROKER_URL names one (amqp://), else Redis when REDIS_URL is set,
otherwise tasks run in-process (the embedded default)."""

from kombu import Exchange, Queue

from emochat import env

REDIS_URL = env.string("REDIS_URL")

CELERY_BROKER_URL = env.string("CELERY_BROKER_URL", REDIS_URL)
# No broker means no separate worker: tasks run in the web process right after the request commits.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = "memory://"

CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged only once it has finished, and put back if its worker dies mid-way, so a killed
# worker never loses a person's message. Tasks must therefore be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# Seconds before an unacknowledged task (its worker died) is handed to another worker. Longer than the
# slowest reply; the person is told "taking longer than usual" well before (EMOCHAT_REPLY_TIMEOUT).
_visibility_timeout = env.integer("EMOCHAT_TASK_VISIBILITY_TIMEOUT", 300, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    # kombu sweeps for such tasks every interval × throttle seconds (100 s by default); sweep every 10 s.
    "unacked_restore_interval": min(10, _visibility_timeout),
    "unacked_restore_throttle": 1,
    # A worker that serves several queues drains them in the order given to --queues, so one started with
    # `--queues priority,inference` takes crisis-related work before ordinary replies.
    "queue_order_strategy": "priority",
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
# Queues: `priority` (model work for a person who may be at risk: never waits behind ordinary traffic),
# `inference` (emotion readings and replies) and `default` (alerts, email, housekeeping).
PRIORITY_QUEUE = "priority"
QUEUES = (PRIORITY_QUEUE, "inference", "default")
BROKER_IS_RABBITMQ = CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://"))
if BROKER_IS_RABBITMQ:
    # RabbitMQ hands a dead worker's unacknowledged tasks to another worker the moment its connection drops (no
    # visibility timeout to wait out) and keeps queued tasks through its own restart. Quorum queues: durable
    # and replicated across a cluster; a task delivered 10 times without finishing is dropped (dead-lettered)
    # rather than crash workers for ever. Retries with a delay use Celery's native delayed delivery, which needs
    # a topic exchange.
    _exchange = Exchange("emochat", type="topic", durable=True)
    CELERY_TASK_QUEUES = [
        Queue(name, _exchange, routing_key=name, durable=True,
              queue_arguments={"x-queue-type": "quorum", "x-delivery-limit": 10})
        for name in QUEUES
    ]
    CELERY_TASK_DEFAULT_EXCHANGE = _exchange.name
    CELERY_TASK_DEFAULT_EXCHANGE_TYPE = _exchange.type
    CELERY_TASK_DEFAULT_ROUTING_KEY = CELERY_TASK_DEFAULT_QUEUE
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
CELERY_TASK_ROUTES = {
    "conversations.tasks.message_respond": {"queue": "inference"},
    "conversations.tasks.message_risk_assess": {"queue": PRIORITY_QUEUE},
}

# Periodic housekeeping, run by `celery beat` (started by `make run` / `manage.py serve` with the workers).
CELERY_BEAT_SCHEDULE = {
    "requeue-unanswered-messages": {"task": "conversations.tasks.unanswered_requeue", "schedule": 60.0},
    "retention-purge": {"task": "conversations.tasks.retention_purge", "schedule": 24 * 60 * 60.0},
    # The moderation queue's clock: alerts due again, and cases past their acknowledgement deadline.
    "alerts-retry": {"task": "conversations.tasks.alerts_retry", "schedule": 5.0},
    "cases-escalate": {"task": "conversations.tasks.cases_escalate", "schedule": 10.0},
    "cases-assign": {"task": "conversations.tasks.cases_assign", "schedule": 10.0},
}
# A reply not started this many seconds after its message was stored is presumed lost and queued again:
# longer than the visibility timeout, so a task that a dead worker still holds is restored first.
EMOCHAT_REQUEUE_AFTER = env.integer("EMOCHAT_REQUEUE_AFTER", _visibility_timeout + 60, minimum=1)
