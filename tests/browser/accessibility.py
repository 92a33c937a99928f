"""axe-core in the browser tests: one call that checks a page as it is now against WCAG 2.2 A and AA.

A page is checked in each state a person can put it in (the notice, a conversation, the crisis card, the privacy
panel…), because axe sees only what is rendered: a dialog that is closed is never checked. A new page or state is
covered by driving the page there and calling `assert_no_axe_violations(page, context="what is on screen")`.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and Deque's best practices (landmarks, heading order, one h1), which
# the issue asks for too and which report nothing that is not a real problem on these pages.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}

_axe = Axe()


def violations(page: Page, *, include: str | None = None) -> list[dict]:
    """axe's violations on the page, or within the element `include` selects."""
    return _axe.run(page, context=include, options=OPTIONS).response["violations"]


def describe(found: list[dict]) -> str:
    """One paragraph a violation: what rule, how bad, where, and axe's own words on how to fix the first node,
    so that a failing test explains itself without a rerun."""
    lines = []
    for violation in found:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    …and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, context: str = "", *, include: str | None = None) -> None:
    """Fails with every violation axe finds. `context` names the page's state in the message (the page, the
    viewport and the colour scheme are added); `include` limits the check to one part of the page."""
    found = violations(page, include=include)
    if found:
        size = page.viewport_size or {}
        scheme = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") and "dark" or "light"
        where = f"{context or page.url} at {size.get('width')}×{size.get('height')}, {scheme}"
        raise AssertionError(f"{len(found)} accessibility violation(s) on {where}:\n{describe(found)}")
