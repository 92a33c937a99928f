from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from emochat import health
from emochat.observability import exposition


class _Icon(RedirectView):
    """/favicon.ico, which browsers and bookmarks ask for whatever the page links: the app's icon."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("emochat/icon.svg")


urlpatterns = [
    path("favicon.ico", _Icon.as_view(), name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", exposition.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # The language switch (POST /i18n/setlang/): remembers the choice in a cookie and goes back to the page.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("conversations.urls")),
]
