"""Data keys live in the keys database; everything else in the default one (docs/privacy.md)."""

from __future__ import annotations

KEYS_DATABASE = "keys"
KEY_MODELS = frozenset({"datakey", "keyrotation"})


def _is_key_model(app_label: str, model_name: str | None) -> bool:
    return app_label == "conversations" and model_name in KEY_MODELS


class KeysRouter:
    def db_for_read(self, model, **hints):
        return KEYS_DATABASE if _is_key_model(model._meta.app_label, model._meta.model_name) else "default"

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        # No foreign key crosses the two databases: rows point at data keys by a plain UUID.
        return obj1._state.db == obj2._state.db

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == KEYS_DATABASE:
            return _is_key_model(app_label, model_name)
        return not _is_key_model(app_label, model_name)
