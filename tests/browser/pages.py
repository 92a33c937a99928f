"""What the browser tests share: driving the chat page, and reaching the database from a Playwright test."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

from django.conf import settings
from django.db import connections
from playwright.sync_api import Page, expect

USER = '[data-testid=message][data-role=user]'
ASSISTANT = '[data-testid=message][data-role=assistant]'


def in_db(function):
    """Runs ORM code and returns its result. Playwright's sync API keeps an event loop on the test's thread,
    where Django refuses ORM calls; the worker's connection is closed so the fixture can drop the database."""

    def run():
        try:
            return function()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def visitor_id(page: Page) -> uuid.UUID:
    """The pseudonymous visitor id in the page's current session."""
    from conversations.identity import VISITOR_KEY

    key = next(c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return in_db(lambda: uuid.UUID(store(session_key=key)[VISITOR_KEY]))


def wait_ready(page: Page) -> None:
    """Connected, and the composer open: the privacy notice was agreed to."""
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(page.get_by_label("Your message")).to_be_enabled()


def accept_notice(page: Page) -> None:
    notice = page.get_by_test_id("privacy-notice")
    expect(notice).to_be_visible()
    page.get_by_test_id("consent-accept").click()
    expect(notice).to_be_hidden()


def open_chat(page: Page) -> None:
    """A first visit: the privacy notice comes before anything can be written."""
    page.goto("/")
    accept_notice(page)
    wait_ready(page)


def send(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")


def assert_fully_visible(page: Page, locator, *, within) -> None:
    """The element lies wholly inside the viewport and inside `within`, the scrolled region that would clip it:
    a person can read all of it without scrolling."""
    box, region = locator.bounding_box(), within.bounding_box()
    assert box is not None and region is not None, "not rendered"
    viewport = page.viewport_size
    top, bottom = max(region["y"], 0), min(region["y"] + region["height"], viewport["height"])
    assert top - 1 <= box["y"] and box["y"] + box["height"] <= bottom + 1, (
        f"element spans {box['y']:.0f}–{box['y'] + box['height']:.0f}px; visible region is {top:.0f}–{bottom:.0f}px"
    )
