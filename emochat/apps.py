from django.apps import AppConfig


class EmochatConfig(AppConfig):
    # Installed only for its management commands (`serve`).
    name = "emochat"
    verbose_name = "emochat"
