import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emochat.settings.local")
# Build the Django app (and populate the app registry) before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from conversations.routing import websocket_urlpatterns  # noqa: E402
from emochat.observability.sockets import SocketMetrics  # noqa: E402
from emochat.origins import SameOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Open sockets, closes by code and refused origins, counted for /metrics.
        "websocket": SocketMetrics(SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
    }
)

from django.conf import settings  # noqa: E402

if settings.CELERY_TASK_ALWAYS_EAGER:
    # Embedded mode answers in this process: load the models now rather than on the first message, and keep
    # the moderation queue's clock (beat's job when there are workers).
    from conversations import dispatch  # noqa: E402
    from inference import handles  # noqa: E402

    dispatch.background_start(warm=handles.models_load,
                              every=("conversations.tasks.cases_escalate", "conversations.tasks.alerts_retry",
                                     "conversations.tasks.cases_assign"))
