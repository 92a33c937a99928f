"""The chat page as a person uses it, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conversations.chat import selectors
from conversations.models import Message
from tests.browser.pages import ASSISTANT, USER, in_db, open_chat, send, wait_ready

pytestmark = pytest.mark.processes

# Records, in the page, each change of the words the first reply shows, as it happens: sampling from the test
# would measure Playwright's round trips on a slow machine as much as the page.
RECORD_REPLY = """() => {
  const list = document.querySelector("[data-testid=messages]");
  const samples = (window.replySamples = []);
  new MutationObserver(() => {
    const reply = list.querySelector("[data-testid=message][data-role=assistant]");
    if (!reply) return;
    const words = reply.querySelector(".text").textContent.split(/\\s+/).filter(Boolean).length;
    const busy = reply.getAttribute("aria-busy") === "true";
    const last = samples[samples.length - 1];
    if (!last || last.words !== words || last.busy !== busy) samples.push({ t: performance.now(), words, busy });
  }).observe(list, { childList: true, subtree: true, characterData: true, attributes: true });
}"""


def stored_roles() -> list[str]:
    return in_db(lambda: list(Message.objects.order_by("seq").values_list("role", flat=True)))


def test_a_message_is_acknowledged_gets_an_emotion_chip_and_a_streamed_reply(page: Page):
    # Under the page's Content-Security-Policy: anything it blocked would be reported on the console.
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    open_chat(page)
    send(page, "I feel so sad tonight")

    mine = page.locator(USER).last
    expect(mine).to_have_attribute("data-status", "sent")
    # The worker's first reading of the run may meet a cold machine (a fresh checkout reads every file once).
    expect(mine.get_by_test_id("emotion-chip")).to_have_attribute("data-group", "sadness", timeout=15_000)
    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "true")
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    expect(reply.locator(".text")).to_contain_text("What feels most important")
    expect(page.get_by_test_id("typing")).to_be_hidden()
    assert blocked == []


def test_messages_written_offline_are_delivered_once_when_back(page: Page):
    open_chat(page)
    page.context.set_offline(True)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "offline")
    send(page, "writing this on the train")
    send(page, "and this one too")
    expect(page.locator(USER)).to_have_count(2)
    expect(page.locator(f'{USER}[data-status=sending]')).to_have_count(2)

    page.context.set_offline(False)

    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(page.locator(f'{USER}[data-status=sent]')).to_have_count(2)
    expect(page.locator(ASSISTANT)).to_have_count(2, timeout=20_000)
    expect(page.locator(f'{ASSISTANT}[data-streaming=false]')).to_have_count(2, timeout=20_000)
    assert sorted(stored_roles()) == [
        "assistant", "assistant", "user", "user"]


def test_markup_in_a_message_is_shown_as_text(page: Page):
    attack = "<img src=x onerror=alert(1)>"
    open_chat(page)
    send(page, attack)

    mine = page.locator(USER).last
    expect(mine).to_have_attribute("data-status", "sent")
    expect(mine.locator(".text")).to_have_text(attack)
    assert page.locator("[data-testid=messages] img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_history_is_there_after_a_reload(page: Page):
    open_chat(page)
    send(page, "remember this please")
    expect(page.locator(f'{ASSISTANT}[data-streaming=false]')).to_have_count(1, timeout=15_000)

    page.reload()

    wait_ready(page)
    expect(page.get_by_test_id("privacy-notice")).to_be_hidden()
    expect(page.locator(USER).locator(".text")).to_have_text(["remember this please"])
    expect(page.locator(ASSISTANT)).to_have_count(1)
    expect(page.locator(USER).get_by_test_id("emotion-chip")).to_have_count(1)


def test_the_chat_works_from_the_keyboard_alone(page: Page):
    page.goto("/")
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    for _ in range(9):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "consent-accept":
            break
    assert page.evaluate("document.activeElement.dataset.testid") == "consent-accept", \
        "the notice's button is not reachable by Tab"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("privacy-notice")).to_be_hidden()
    assert page.evaluate("document.activeElement.name") == "text", "agreeing does not lead to the message box"

    # A later visit, from the top of the page: past the header's controls (the language switch among them), the
    # toolbar's, the check-in (one stop: its answers are a toolbar of their own) and the conversation.
    page.reload()
    wait_ready(page)
    expect(page.get_by_test_id("checkin")).to_be_visible()
    for _ in range(11):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "text":
            break
    assert page.evaluate("document.activeElement.name") == "text", "the message box is not reachable by Tab"

    page.keyboard.type("typed without a mouse")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("on two lines")
    page.keyboard.press("Enter")

    expect(page.locator(USER).last.locator(".text")).to_have_text("typed without a mouse\non two lines")
    expect(page.locator(USER).last).to_have_attribute("data-status", "sent")
    expect(page.get_by_test_id("messages")).to_have_attribute("aria-live", "polite")


@pytest.mark.parametrize("server", ["0"], indirect=True)  # the whole reply reaches the page at once
def test_a_reply_is_written_out_at_a_reading_pace_and_announced_once(page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    open_chat(page)
    page.evaluate(RECORD_REPLY)
    send(page, "I feel so sad tonight")

    reply = page.locator(ASSISTANT).last
    expect(reply).to_have_attribute("data-streaming", "false", timeout=15_000)
    stored = in_db(lambda: selectors.message_text(Message.objects.get(role="assistant")))
    assert reply.locator(".text").text_content() == stored
    expect(reply).not_to_have_attribute("aria-busy", "true")

    samples = page.evaluate("window.replySamples")
    total = len(stored.split())
    appeared, final = samples[0], samples[-1]
    first = next(sample for sample in samples if sample["words"] > 0)
    assert first["t"] - appeared["t"] < 300, "the first words came late"
    assert first["words"] < total, "the reply appeared whole"
    counts = [sample["words"] for sample in samples]
    assert counts == sorted(counts) and final["words"] == total
    assert len({count for count in counts if 0 < count < total}) >= 3, f"not written word by word: {counts}"
    # Timers only ever run late, so a slow machine can only make this longer: 70 ms a word, with room to spare.
    assert final["t"] - first["t"] >= (total - 1) * 35, f"written too fast: {final['t'] - first['t']:.0f} ms"
    # Screen readers hear it once, whole: busy until the last word is shown.
    assert all(sample["busy"] for sample in samples if sample["words"] < total)
    assert not final["busy"]


NEUTRAL = "https://www.google.com/"


def test_quick_exit_leaves_at_once_for_a_neutral_page_with_nothing_to_go_back_to(page: Page):
    # The neutral page, served here: the test machine has no internet.
    page.route(f"{NEUTRAL}**", lambda route: route.fulfill(status=200, content_type="text/html",
                                                           body="<title>Neutral</title><p>elsewhere</p>"))
    open_chat(page)
    exit_link = page.get_by_role("link", name="Quick exit")
    box = exit_link.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390  # in reach at phone width
    page.get_by_label("Your message").fill("something I haven't sent yet")
    page.evaluate("() => { sessionStorage.setItem('emochat.outbox.v1', '[\"unsent\"]'); "
                  "localStorage.setItem('emochat.country', 'GB'); }")

    chat_url = page.url
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    page.go_back()
    back_at = page.url
    page.goto("/healthz")
    kept = page.evaluate("() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)]"
                         ".filter((key) => key.startsWith('emochat.'))")

    assert back_at != chat_url  # the chat was replaced in the history: Back does not return to it
    assert kept == []


def test_the_quick_exit_link_alone_leaves(page: Page):
    page.route(f"{NEUTRAL}**", lambda route: route.fulfill(status=200, content_type="text/html", body="ok"))
    open_chat(page)
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(NEUTRAL)


def test_the_page_has_one_main_landmark_holding_the_conversation_an_icon_and_a_manifest(page: Page):
    open_chat(page)

    main = page.get_by_role("main")
    expect(main).to_have_count(1)
    expect(main.get_by_role("log", name="Conversation")).to_be_visible()
    expect(main.get_by_label("Your message")).to_be_visible()
    for selector in ("link[rel=icon]", "link[rel=manifest]"):
        assert page.request.get(page.locator(selector).get_attribute("href")).ok, selector
    favicon = page.request.get("/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/svg+xml")
    manifest = page.request.get(page.locator("link[rel=manifest]").get_attribute("href")).json()
    assert manifest["short_name"] == "emochat" and manifest["icons"]
