"""The models, split by domain into conversations/models/, are still the tables the migrations made."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_migration():
    out = io.StringIO()

    call_command("makemigrations", "conversations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()
