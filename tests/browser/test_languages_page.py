"""The page in two languages, in Chromium: switching to Chinese and chatting, the choice remembered, a Chinese
browser served in Chinese, and the pseudo-locale showing that no text a person reads skipped the translations."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect, sync_playwright

from tests import processes, pseudo_locale
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.conftest import CHROMIUM_FLAGS
from tests.browser.pages import ASSISTANT, USER

pytestmark = pytest.mark.processes

CHINESE = re.compile(r"[\u4e00-\u9fff]")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
COMPOSER = "textarea[name=text]"

# Every text node and every spoken attribute (aria-label, title, placeholder, alt) in the page with an English
# word that did not come through the catalogue (no pseudo-locale bracket), outside what is data: the person's and
# the assistant's words, the helplines' names and hours, the countries, each language's own name.
ENGLISH_LEFT = """([open, data]) => {
  const english = (text) => /[A-Za-z]{2,}/.test(text.replace(/emochat|English/g, "")) && !text.includes(open);
  const left = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(`script, style, noscript, ${data}`) || !parent.checkVisibility()) continue;
    if (english(node.textContent.trim())) left.push(node.textContent.trim());
  }
  for (const element of document.body.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    if (element.closest(data)) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = element.getAttribute(name);
      if (value && english(value)) left.push(`${name}="${value}"`);
    }
  }
  return left;
}"""
DATA = ("[data-testid=message] .text, .resource-name, .crisis-primary-name, .resource-hours, option, "
        "[data-testid=crisis-resource] a, [data-testid=language-switch]")


@pytest.fixture
def library_page(live_database_url, redis_url, tmp_path) -> Iterator[Page]:
    """A phone-sized page on Daphne and a worker that write replies from emochat's own library (English and
    Chinese), as deployed, instead of the suite's fixed fake reply."""
    env = processes.environment(DATABASE_URL=live_database_url, REDIS_URL=redis_url, EMOCHAT_REPLY_BACKEND="curated",
                                EMOCHAT_REPLY_REVEAL_MS="0")
    with processes.celery_worker(env, tmp_path), processes.daphne(env, tmp_path) as base, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("EMOCHAT_CHROMIUM", "/usr/bin/chromium"),
                                             args=CHROMIUM_FLAGS)
        try:
            yield browser.new_context(base_url=base, viewport={"width": 390, "height": 844}).new_page()
        finally:
            browser.close()


def english_left(page: Page) -> list[str]:
    return page.evaluate(ENGLISH_LEFT, [pseudo_locale.OPEN, DATA])


def write(page: Page, text: str) -> None:
    page.locator(COMPOSER).fill(text)
    page.locator(COMPOSER).press("Enter")


def test_switching_to_chinese_and_chatting(library_page: Page):
    page = library_page
    page.goto("/")
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()

    page.get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    notice = page.get_by_test_id("privacy-notice")
    expect(notice).to_contain_text("开始之前")
    expect(notice).to_contain_text("emochat 不是紧急服务")
    assert_no_axe_violations(page, "the privacy notice in Chinese")
    page.get_by_test_id("consent-accept").click()
    expect(notice).to_be_hidden()
    composer = page.get_by_label("你的消息")
    expect(composer).to_be_enabled()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")

    write(page, "我最近总是睡不好，工作压力很大")

    mine = page.locator(USER).last
    expect(mine).to_contain_text("我最近总是睡不好")
    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "false", timeout=20_000)
    assert CHINESE.search(reply.locator(".text").inner_text())
    assert not re.search(r"[A-Za-z]{3,}", reply.locator(".text").inner_text())
    chip = mine.get_by_test_id("emotion-chip")
    expect(chip).to_be_visible(timeout=20_000)
    assert CHINESE.search(chip.inner_text())
    # "ok" is no language of its own: the page's language answers it.
    write(page, "ok")
    expect(page.locator(f"{ASSISTANT}[data-streaming=false]")).to_have_count(2, timeout=20_000)
    assert CHINESE.search(page.locator(ASSISTANT).last.locator(".text").inner_text())
    assert_no_axe_violations(page, "a conversation in Chinese")

    # Remembered: the next visit opens in Chinese, with the conversation; switching back keeps it too.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(USER).first).to_contain_text("我最近总是睡不好")
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME)
    assert cookie["value"] == "zh-hans" and cookie["expires"] > 0 and cookie["httpOnly"]
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Your message")).to_be_enabled()
    expect(page.locator(USER).first).to_contain_text("我最近总是睡不好")


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_chinese_browser_gets_every_page_in_chinese_and_axe_finds_nothing(server, page: Page, viewport: dict):
    """Each state a person brings the page to, in a browser whose language is Chinese (as the English ones are
    in test_accessibility.py)."""
    context = page.context.browser.new_context(base_url=server, locale="zh-CN", viewport=viewport)
    try:
        chinese = context.new_page()
        chinese.goto("/")
        expect(chinese.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(chinese.get_by_test_id("privacy-notice")).to_contain_text("开始之前")
        assert_no_axe_violations(chinese, "the privacy notice in Chinese")
        chinese.get_by_test_id("consent-accept").click()
        expect(chinese.get_by_label("你的消息")).to_be_enabled()
        expect(chinese.get_by_test_id("checkin")).to_be_visible()
        assert CHINESE.search(chinese.get_by_test_id("checkin").inner_text())
        assert_no_axe_violations(chinese, "the check-in in Chinese")

        write(chinese, "我今天很难过")
        expect(chinese.locator(f"{ASSISTANT}[data-streaming=false]")).to_have_count(1, timeout=15_000)
        expect(chinese.locator(USER).last.get_by_test_id("emotion-chip")).to_be_visible(timeout=15_000)
        assert_no_axe_violations(chinese, "a conversation in Chinese")
        chinese.get_by_test_id("history-open").click()
        expect(chinese.get_by_test_id("history-item")).to_have_count(1)
        assert_no_axe_violations(chinese, "the past conversations in Chinese")
        chinese.get_by_test_id("history-close").click()
        chinese.get_by_test_id("privacy-open").click()
        expect(chinese.get_by_test_id("privacy-panel")).to_be_visible()
        assert_no_axe_violations(chinese, "the privacy panel in Chinese")
        chinese.get_by_test_id("privacy-open").click()

        write(chinese, "我今晚想自杀")
        card = chinese.get_by_test_id("crisis-card")
        expect(card).to_be_visible()
        assert CHINESE.search(chinese.get_by_test_id("crisis-title").inner_text())
        if card.get_attribute("data-state") == "compact":
            card.get_by_test_id("crisis-toggle").click()
        expect(card.get_by_test_id("crisis-resource").first).to_be_visible()
        assert_no_axe_violations(chinese, "the helplines in Chinese")

        chinese.goto("/mood/")
        expect(chinese.get_by_role("heading", name="我的心情", level=1)).to_be_visible()
        chinese.wait_for_load_state("networkidle")
        assert_no_axe_violations(chinese, "the mood page in Chinese")
    finally:
        context.close()


def test_nothing_a_person_reads_skips_the_translations(page: Page, server):
    """The pseudo-locale, in each state of the page a person reaches: any English word is a string that is not
    in a catalogue (frontend/src/i18n for the page's own, locale/ for the server's)."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": pseudo_locale.CODE, "url": server}])
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", pseudo_locale.CODE)
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    assert english_left(page) == [], "the privacy notice"
    page.get_by_test_id("consent-accept").click()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    checkin = page.get_by_test_id("checkin")
    expect(checkin).to_be_visible()
    assert english_left(page) == [], "the check-in"

    write(page, "今天很累 12345")
    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    expect(page.locator(USER).last.get_by_test_id("emotion-chip")).to_be_visible(timeout=15_000)
    assert english_left(page) == [], "a conversation"

    page.get_by_test_id("privacy-open").click()
    expect(page.get_by_test_id("privacy-panel")).to_be_visible()
    assert english_left(page) == [], "the privacy panel"
    page.get_by_test_id("privacy-open").click()
    page.get_by_test_id("history-open").click()
    expect(page.get_by_test_id("history-item")).to_have_count(1)
    assert english_left(page) == [], "the list of conversations"
    page.get_by_test_id("history-close").click()

    write(page, "I want to kill myself tonight")
    card = page.get_by_test_id("crisis-card")
    expect(card).to_be_visible()
    if card.get_attribute("data-state") == "compact":
        card.get_by_test_id("crisis-toggle").click()
    expect(card.get_by_test_id("crisis-resource").first).to_be_visible()
    assert english_left(page) == [], "the helplines card"

    page.goto("/mood/")
    expect(page.get_by_test_id("back-to-chat")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert english_left(page) == [], "the mood page"
