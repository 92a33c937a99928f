"""A real Chromium (Playwright) against a real Daphne + Celery worker + PostgreSQL + Redis."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from tests import processes

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def server(request, live_database_url, redis_url, tmp_path):
    """Daphne and a worker; the fake reply comes a word every 60 ms, or at the pace (ms) a test asks for by
    indirect parametrization (`"0"`: the whole reply at once)."""
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url,
                                EMOCHAT_FAKE_REPLY_DELAY_MS=getattr(request, "param", "60"))
    with processes.celery_worker(env, tmp_path), processes.daphne(env, tmp_path) as base:
        yield base


@pytest.fixture
def page(server):
    executable = os.environ.get("EMOCHAT_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {executable}: `make test` installs it, or set EMOCHAT_CHROMIUM.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(base_url=server, viewport={"width": 390, "height": 800})
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        try:
            yield page
        finally:
            context.close()
            browser.close()
