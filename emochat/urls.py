from django.contrib import admin
from django.urls import include, path

from emochat import health
from emochat.observability import exposition

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", exposition.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("", include("conversations.urls")),
]
