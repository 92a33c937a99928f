import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CrisisAlert } from "../src/client";
import { CrisisCard } from "../src/crisis-card";
import { Follow, STICK_THRESHOLD } from "../src/follow";
import { primaryAction } from "../src/helplines";
import type { Resource } from "../src/protocol";

const SAMARITANS: Resource = { name: "Samaritans", phone: "116 123", sms: null, url: "https://www.samaritans.org", hours: "24/7", country: "GB" };
const SHOUT: Resource = { name: "Shout", phone: null, sms: "85258", url: null, hours: "24/7", country: "GB" };
const WEB_ONLY: Resource = { name: "A website", phone: null, sms: null, url: "https://example.org", hours: null, country: "GB" };
const EMERGENCY: Resource = { name: "Emergency services", phone: "999", sms: null, url: null, hours: null, country: "GB" };

const alert = (level: CrisisAlert["level"], resources: Resource[] = [SAMARITANS, SHOUT]): CrisisAlert => ({
  level,
  country: "GB",
  resources,
});

describe("the helplines card, compact and expanded", () => {
  test("shown for a risk it is compact, with the first helpline's call as its one way to reach help", () => {
    const card = new CrisisCard();
    card.update(alert("ideation"));
    assert.deepEqual([card.visible, card.expanded, card.closable], [true, false, false]);
    assert.equal(card.primary?.resource, SAMARITANS);
    assert.deepEqual(card.primary?.action, {
      kind: "call",
      href: "tel:116123",
      text: "Call 116 123",
      label: "Call 116 123 (Samaritans)",
    });
  });

  test("one tap expands it, one tap makes it compact again; it is never closed", () => {
    const card = new CrisisCard();
    card.update(alert("behavior"));
    card.toggle();
    assert.equal(card.expanded, true);
    card.toggle();
    assert.deepEqual([card.visible, card.expanded], [true, false]);
    card.toggle();
    card.toggle();
    assert.equal(card.visible, true);
  });

  test("a rise in level, even to imminent, leaves it as the person left it", () => {
    const compact = new CrisisCard();
    compact.update(alert("ideation"));
    compact.update(alert("imminent", [EMERGENCY, SAMARITANS]));
    assert.equal(compact.expanded, false);
    assert.equal(compact.primary?.action.href, "tel:999", "the emergency number is then the one offered");
    const expanded = new CrisisCard();
    expanded.update(alert("ideation"));
    expanded.toggle();
    expanded.update(alert("imminent", [EMERGENCY]));
    assert.equal(expanded.expanded, true);
  });

  test("asked for from the header it is expanded, and closes rather than shrinks", () => {
    const card = new CrisisCard();
    card.open("GB");
    assert.deepEqual([card.visible, card.expanded, card.closable], [true, true, true]);
    card.toggle();
    assert.equal(card.visible, false);
  });

  test("a risk found while the person has it open keeps it expanded, and then it only changes size", () => {
    const card = new CrisisCard();
    card.open("GB");
    card.update(alert("ideation"));
    assert.deepEqual([card.expanded, card.closable], [true, false]);
    card.toggle();
    assert.deepEqual([card.visible, card.expanded], [true, false]);
  });

  test("Get help now expands a compact card", () => {
    const card = new CrisisCard();
    card.update(alert("ideation"));
    card.open("US");
    assert.equal(card.expanded, true);
  });

  test("after an erasure, the next risk shows it compact again", () => {
    const card = new CrisisCard();
    card.update(alert("ideation"));
    card.toggle();
    card.update(null);
    assert.deepEqual([card.visible, card.expanded], [false, false]);
    card.update(alert("ideation"));
    assert.deepEqual([card.visible, card.expanded], [true, false]);
  });

  test("with no list yet there is nothing to offer", () => {
    const card = new CrisisCard();
    card.update(alert("ideation", []));
    assert.equal(card.primary, null);
  });
});

describe("the one way to reach help a compact card offers", () => {
  test("the first helpline's call, else its text; a website only is skipped", () => {
    assert.equal(primaryAction([SAMARITANS, SHOUT])?.action.kind, "call");
    assert.deepEqual(primaryAction([SHOUT, SAMARITANS])?.action, {
      kind: "text",
      href: "sms:85258",
      text: "Text 85258",
      label: "Text 85258 (Shout)",
    });
    assert.equal(primaryAction([WEB_ONLY, SHOUT])?.resource, SHOUT);
    assert.equal(primaryAction([WEB_ONLY]), null);
    assert.equal(primaryAction([]), null);
  });
});

describe("following the newest message", () => {
  test("follows at first, and through changes of size while it does", () => {
    const follow = new Follow();
    assert.equal(follow.resized(), true);
    assert.equal(follow.drawn(false), true);
  });

  test("the card growing above the list does not stop it following: no scroll happened", () => {
    const follow = new Follow();
    follow.scrolled(0);
    assert.equal(follow.resized(), true, "the list shrank under the card; the end is brought back");
  });

  test("a person who scrolled up to read is not moved by a streaming reply, but a new message is shown", () => {
    const follow = new Follow();
    follow.scrolled(STICK_THRESHOLD + 1);
    assert.equal(follow.drawn(false), false);
    assert.equal(follow.resized(), false);
    assert.equal(follow.drawn(true), true, "the reply or a moderator's first words");
    assert.equal(follow.drawn(false), true, "and it keeps following while that reply streams");
  });

  test("back near the end, it follows again", () => {
    const follow = new Follow();
    follow.scrolled(500);
    follow.scrolled(STICK_THRESHOLD);
    assert.equal(follow.drawn(false), true);
  });
});
