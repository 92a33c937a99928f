import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SUPPORT_RESEND_MS, type CrisisAlert } from "../src/client";
import { COUNTRY_KEY, countryFromLanguages, loadCountry, preferredCountry, saveCountry } from "../src/country";
import { CrisisCard } from "../src/crisis-card";
import { conversationItems } from "../src/events";
import { crisisAnnouncement, typingText } from "../src/format";
import { dialable, HelplinesApi, readHelplines, resourceActions, type Helplines } from "../src/helplines";
import { createMemoryStorage } from "../src/outbox";
import type { ResponseLike } from "../src/api";
import { en } from "../src/i18n";
import type { Resource } from "../src/protocol";
import { parseServerFrame } from "../src/protocol-read";
import { socketUrl } from "../src/socket-url";
import { message, setup } from "./fakes";

const SAMARITANS: Resource = {
  name: "Samaritans",
  phone: "116 123",
  sms: null,
  url: "https://www.samaritans.org",
  hours: "24/7",
  country: "GB",
};
const SHOUT: Resource = { name: "Shout", phone: null, sms: "85258", url: null, hours: "24/7", country: "GB" };
const EMERGENCY: Resource = { name: "Emergency services", phone: "999", sms: null, url: null, hours: null, country: "GB" };
const LIFELINE: Resource = { name: "988 Lifeline", phone: "988", sms: "988", url: "https://988lifeline.org", hours: "24/7", country: "US" };

const crisisFrame = (level: string, resources: Resource[] = [SAMARITANS, SHOUT], country = "GB") => ({
  type: "crisis.resources",
  level,
  country,
  resources,
});

describe("the country to offer helplines for", () => {
  test("is the region of the first language that has one", () => {
    assert.equal(countryFromLanguages(["en-GB", "en"]), "GB");
    assert.equal(countryFromLanguages(["zh-CN"]), "CN");
    assert.equal(countryFromLanguages(["zh-Hant-TW"]), "TW");
    assert.equal(countryFromLanguages(["en", "fr", "de-AT"]), "AT");
    assert.equal(countryFromLanguages(["pt_br"]), "BR");
  });

  test("skips tags without a country: bare languages, scripts, UN areas, extensions", () => {
    assert.equal(countryFromLanguages([]), null);
    assert.equal(countryFromLanguages(["en", "zh-Hans"]), null);
    assert.equal(countryFromLanguages(["es-419", "es-MX"]), "MX");
    assert.equal(countryFromLanguages(["en-u-ca-gb", "x-private-de"]), null);
    assert.equal(countryFromLanguages(["sl-rozaj-biske", "sl-SI"]), "SI");
  });

  test("the person's saved choice comes first, then the languages, then nothing", () => {
    assert.equal(preferredCountry("IE", ["en-GB"]), "IE");
    assert.equal(preferredCountry("intl", ["en-GB"]), "INTL");
    assert.equal(preferredCountry(null, ["en-GB"]), "GB");
    assert.equal(preferredCountry("Narnia", ["fr-CA"]), "CA", "a saved value that is not a code is ignored");
    assert.equal(preferredCountry(null, ["en"]), null);
  });

  test("the choice is kept in storage, and a storage that refuses is survived", () => {
    const storage = createMemoryStorage();
    assert.equal(loadCountry(storage), null);
    saveCountry(storage, "NZ");
    assert.equal(storage.getItem(COUNTRY_KEY), "NZ");
    assert.equal(loadCountry(storage), "NZ");
    const refusing = {
      getItem: (): string | null => {
        throw new Error("denied");
      },
      setItem: (): void => {
        throw new Error("denied");
      },
      removeItem: (): void => undefined,
    };
    saveCountry(refusing, "NZ");
    assert.equal(loadCountry(refusing), null);
  });

  test("goes on the socket URL when known", () => {
    const location = { protocol: "https:", host: "chat.example" };
    assert.equal(socketUrl(location, "/ws/chat/", "GB"), "wss://chat.example/ws/chat/?country=GB");
    assert.equal(socketUrl(location, "/ws/chat/", null), "wss://chat.example/ws/chat/");
    assert.equal(socketUrl(location, "/ws/chat/?v=2", "TW"), "wss://chat.example/ws/chat/?v=2&country=TW");
  });

  test("is asked for again at each reconnect when the URL is a function", () => {
    let country = "GB";
    const h = setup({ url: () => `ws://chat.test/ws/chat/?country=${country}` });
    assert.equal(h.socket().url, "ws://chat.test/ws/chat/?country=GB");
    country = "IE";
    h.socket().drop();
    h.timers.runNext();
    assert.equal(h.socket().url, "ws://chat.test/ws/chat/?country=IE");
  });
});

describe("crisis and support frames", () => {
  test("crisis.resources is read with its helplines; null fields stay null", () => {
    assert.deepEqual(parseServerFrame(JSON.stringify(crisisFrame("behavior"))), {
      type: "crisis.resources",
      level: "behavior",
      country: "GB",
      resources: [SAMARITANS, SHOUT],
    });
  });

  test("a crisis frame is never dropped for its shape: helplines are always worth showing", () => {
    const frame = parseServerFrame(
      JSON.stringify({
        type: "crisis.resources",
        level: "something new",
        country: "somewhere",
        resources: [
          { name: "Bad link", phone: "123", url: "javascript:alert(1)", hours: "" },
          { phone: "no name" },
          "nonsense",
        ],
      }),
    );
    assert.deepEqual(frame, {
      type: "crisis.resources",
      level: "ideation",
      country: null,
      resources: [{ name: "Bad link", phone: "123", sms: null, url: null, hours: null, country: null }],
    });
    const bare = parseServerFrame(JSON.stringify({ type: "crisis.resources" }));
    assert.deepEqual(bare, { type: "crisis.resources", level: "ideation", country: null, resources: [] });
  });

  test("support.joined and support.left are read, extra fields dropped", () => {
    assert.deepEqual(parseServerFrame('{"type":"support.joined","by":"x"}'), { type: "support.joined" });
    assert.deepEqual(parseServerFrame('{"type":"support.left"}'), { type: "support.left" });
  });
});

describe("GET /helplines/", () => {
  const BODY = {
    country: "GB",
    resources: [SAMARITANS],
    countries: [
      { code: "GB", name: "United Kingdom" },
      { code: "bad", name: "Nowhere" },
      { code: "INTL", name: "Another country" },
    ],
  };

  function api(answer: { status: number; body?: unknown } | Error) {
    const urls: string[] = [];
    const fetch = async (url: string, init: RequestInit): Promise<ResponseLike> => {
      urls.push(url);
      assert.equal(init.method, "GET");
      assert.equal(init.credentials, "same-origin");
      if (answer instanceof Error) throw answer;
      return { ok: answer.status === 200, status: answer.status, json: async () => answer.body };
    };
    return { api: new HelplinesApi({ fetch }), urls };
  }

  test("asks for the country, or for none (the international list)", async () => {
    const { api: helplines, urls } = api({ status: 200, body: BODY });
    const answer = await helplines.load("GB");
    assert.deepEqual(answer.countries, [
      { code: "GB", name: "United Kingdom" },
      { code: "INTL", name: "Another country" },
    ]);
    assert.deepEqual(answer.resources, [SAMARITANS]);
    await helplines.load(null);
    assert.deepEqual(urls, ["/helplines/?country=GB", "/helplines/"]);
  });

  test("refuses what is not an answer", async () => {
    await assert.rejects(api({ status: 500, body: {} }).api.load("GB"));
    await assert.rejects(api({ status: 200, body: { country: "GB" } }).api.load("GB"));
    await assert.rejects(api(new TypeError("offline")).api.load("GB"));
    assert.equal(readHelplines({ resources: [] })?.country, "INTL");
  });
});

describe("how a helpline is reached", () => {
  test("tel:, sms: and web links, each with its helpline's name for screen readers", () => {
    assert.deepEqual(resourceActions(SAMARITANS), [
      { kind: "call", href: "tel:116123", text: "Call 116 123", label: "Call 116 123 (Samaritans)" },
      {
        kind: "web",
        href: "https://www.samaritans.org",
        text: "Visit website",
        label: "Visit website (Samaritans, opens in a new tab)",
      },
    ]);
    assert.deepEqual(
      resourceActions(LIFELINE).map((action) => [action.kind, action.href, action.text]),
      [
        ["call", "tel:988", "Call 988"],
        ["text", "sms:988", "Text 988"],
        ["web", "https://988lifeline.org", "Visit website"],
      ],
    );
  });

  test("a line that asks for a word gets it pre-filled in the text message", () => {
    const crisisTextLine = { ...LIFELINE, name: "Crisis Text Line", phone: null, sms: "741741", sms_body: "HOME" };

    assert.deepEqual(
      resourceActions(crisisTextLine).filter((action) => action.kind === "text"),
      [{ kind: "text", href: "sms:741741?&body=HOME", text: "Text HOME to 741741",
         label: "Text HOME to 741741 (Crisis Text Line)" }],
    );
  });

  test("numbers are dialled as digits; what has none is not a link", () => {
    assert.equal(dialable("+44 (0)20 7946 0000"), "+442079460000");
    assert.equal(dialable("1-800-273-8255"), "18002738255");
    assert.equal(dialable("Text SHOUT to 85258"), "85258");
    assert.equal(dialable("ask at reception"), null);
    assert.deepEqual(resourceActions({ ...SHOUT, sms: "none" }), []);
  });
});

describe("the client's crisis state", () => {
  test("crisis.resources sets it at once, even before hello's resume is answered", () => {
    const h = setup();
    h.socket().hello();
    assert.equal(h.last().crisis, null);
    h.socket().receive(crisisFrame("ideation"));
    assert.deepEqual(h.last().crisis, { level: "ideation", country: "GB", resources: [SAMARITANS, SHOUT] });
  });

  test("only a higher level changes it; the same or a lower one leaves it as it was", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive(crisisFrame("behavior"));
    const behavior = h.last().crisis;
    h.socket().receive(crisisFrame("behavior", [EMERGENCY]));
    h.socket().receive(crisisFrame("ideation", [EMERGENCY]));
    assert.equal(h.last().crisis, behavior, "the very same object: nothing to draw again");
    h.socket().receive(crisisFrame("imminent", [EMERGENCY, SAMARITANS]));
    assert.deepEqual(h.last().crisis, { level: "imminent", country: "GB", resources: [EMERGENCY, SAMARITANS] });
  });

  test("reconnects, with the server's re-send, keep it as it was", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive(crisisFrame("behavior"));
    const before = h.last().crisis;
    for (let i = 0; i < 3; i++) {
      h.socket().drop();
      assert.equal(h.last().crisis, before, "kept while reconnecting");
      h.timers.runNext();
      h.socket().hello();
      h.socket().receive(crisisFrame("behavior"));
    }
    assert.equal(h.last().crisis, before);
  });

  test("a new conversation keeps it, and so does an erasure: the person may still be at risk", () => {
    const h = setup();
    h.socket().hello("conv-1");
    h.socket().receive(crisisFrame("ideation"));
    h.client.newConversation();
    h.socket().receive({ type: "hello", conversation_id: "conv-2", last_seq: 0 });
    assert.equal(h.last().crisis?.level, "ideation");
    h.socket().receive({ type: "privacy.erased" });
    assert.equal(h.last().crisis?.level, "ideation");
    assert.equal(h.last().messages.length, 0);
  });
});

describe("the client's support state", () => {
  test("support.joined: present, one line in the conversation; support.left: gone, another line", () => {
    const h = setup();
    h.socket().hello("conv-1", 2);
    h.socket().receive({ type: "message.ack", client_id: "c1", message: message({ id: "m1", seq: 1, client_id: "c1" }) });
    h.socket().receive({ type: "reply.end", message: message({ id: "m2", seq: 2, role: "assistant" }) });
    h.socket().receive({ type: "support.joined" });
    assert.equal(h.last().support, true);
    assert.deepEqual(h.last().events.map((e) => [e.kind, e.afterSeq]), [["support.joined", 2]]);
    h.socket().receive({ type: "message.new", message: message({ id: "m3", seq: 3, role: "moderator", text: "Hi, I'm here." }) });
    h.socket().receive({ type: "support.left" });
    assert.equal(h.last().support, false);
    assert.deepEqual(
      h.last().events.map((e) => [e.kind, e.afterSeq]),
      [
        ["support.joined", 2],
        ["support.left", 3],
      ],
    );
    const moderator = h.last().messages.find((m) => m.role === "moderator");
    assert.equal(moderator?.text, "Hi, I'm here.");
  });

  test("repeated frames add nothing: a second joined, a left while absent", () => {
    const h = setup();
    h.socket().hello();
    h.socket().receive({ type: "support.left" });
    h.socket().receive({ type: "support.joined" });
    h.socket().receive({ type: "support.joined" });
    assert.equal(h.last().events.length, 1);
    const events = h.last().events;
    h.socket().receive({ type: "typing", role: "moderator", state: true });
    assert.equal(h.last().events, events, "the same array while nothing changed");
  });

  test("a reconnect whose hello is followed by the re-send changes nothing", () => {
    const h = setup();
    h.socket().hello("conv-1", 4);
    h.socket().receive({ type: "support.joined" });
    const events = h.last().events;
    h.socket().drop();
    assert.equal(h.last().support, true, "still shown while reconnecting: nothing says they left");
    h.timers.runNext();
    h.socket().hello("conv-1", 4);
    h.socket().receive({ type: "support.joined" });
    h.timers.advance(SUPPORT_RESEND_MS * 2);
    assert.equal(h.last().support, true);
    assert.equal(h.last().events, events);
  });

  test("a reconnect without the re-send means they left while the page was away", () => {
    const h = setup();
    h.socket().hello("conv-1", 4);
    h.socket().receive({ type: "support.joined" });
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello("conv-1", 6);
    h.timers.advance(SUPPORT_RESEND_MS - 1);
    assert.equal(h.last().support, true);
    h.timers.advance(1);
    assert.equal(h.last().support, false);
    assert.deepEqual(h.last().events.map((e) => [e.kind, e.afterSeq]), [
      ["support.joined", 4],
      ["support.left", 6],
    ]);
  });

  test("a page that loads while they are there shows them after the history it has yet to receive", () => {
    const h = setup();
    h.socket().hello("conv-1", 9);
    h.socket().receive({ type: "support.joined" });
    assert.equal(h.last().events[0]!.afterSeq, 9);
    assert.equal(h.timers.pendingDelays().includes(SUPPORT_RESEND_MS), false, "nothing to confirm on a first hello");
  });

  test("a new conversation or an erasure forgets them and their lines", () => {
    const h = setup();
    h.socket().hello("conv-1");
    h.socket().receive({ type: "support.joined" });
    h.client.newConversation();
    h.socket().receive({ type: "hello", conversation_id: "conv-2", last_seq: 0 });
    assert.equal(h.last().support, false);
    assert.deepEqual(h.last().events, []);
    h.socket().receive({ type: "support.joined" });
    h.socket().receive({ type: "privacy.erased" });
    assert.equal(h.last().support, false);
    assert.deepEqual(h.last().events, []);
  });
});

describe("conversation lines among messages", () => {
  test("each goes after the stored messages up to its seq, before later, streaming and unsent ones", () => {
    const h = setup();
    h.socket().hello("conv-1", 0);
    const s = h.socket();
    s.receive({ type: "message.ack", client_id: "c1", message: message({ id: "m1", seq: 1, client_id: "c1" }) });
    s.receive({ type: "support.joined" });
    s.receive({ type: "message.new", message: message({ id: "m2", seq: 2, role: "moderator" }) });
    s.receive({ type: "support.left" });
    s.receive({ type: "reply.delta", message_id: "r1", text: "streaming" });
    h.client.send("unsent");
    const state = h.last();
    assert.deepEqual(
      conversationItems(state.messages, state.events).map((item) =>
        item.kind === "event" ? item.event.kind : item.message.id ?? item.message.text,
      ),
      ["m1", "support.joined", "m2", "support.left", "r1", "unsent"],
    );
  });

  test("a line ahead of the history sits at its end once the history arrives", () => {
    const h = setup();
    h.socket().hello("conv-1", 2);
    h.socket().receive({ type: "support.joined" });
    h.socket().receive({ type: "message.new", message: message({ id: "m2", seq: 2, role: "moderator" }) });
    h.socket().receive({ type: "message.ack", client_id: "c1", message: message({ id: "m1", seq: 1, client_id: "c1" }) });
    const state = h.last();
    assert.deepEqual(
      conversationItems(state.messages, state.events).map((item) => item.key),
      ["m:m1", "m:m2", state.events[0]!.key],
    );
  });
});

describe("support wording", () => {
  test("the lines and the indicator say who is there", () => {
    assert.equal(en.chat.support.joined, "A member of the support team has joined the conversation.");
    assert.equal(en.chat.support.left, "The support team member has left. The assistant is back.");
    assert.equal(typingText({ assistant: false, moderator: true }, false, false), "Support team is typing…");
  });
});

const alert = (level: CrisisAlert["level"], resources: Resource[] = [SAMARITANS], country: string | null = "GB"): CrisisAlert => ({
  level,
  country,
  resources,
});

const HELPLINES = (country: string, resources: Resource[]): Helplines => ({
  country,
  resources,
  countries: [
    { code: "GB", name: "United Kingdom" },
    { code: "US", name: "United States" },
    { code: "INTL", name: "Another country" },
  ],
});

describe("the helplines card", () => {
  test("appears compact with the server's helplines, and says so once", () => {
    const card = new CrisisCard();
    assert.equal(card.visible, false);
    const first = alert("ideation");
    const said = card.update(first);
    assert.equal(said, crisisAnnouncement("ideation", true));
    assert.match(said ?? "", /You don't have to face this alone/);
    assert.equal(card.visible, true);
    assert.equal(card.expanded, false, "compact: the conversation goes on below it");
    assert.equal(card.level, "ideation");
    assert.equal(card.country, "GB");
    assert.deepEqual(card.resources, [SAMARITANS]);
    assert.equal(card.update(first), null, "the same state again");
    assert.equal(card.update(alert("ideation")), null, "a re-send after a reconnect");
  });

  test("a higher level updates the card, compact as it was; a lower one changes nothing", () => {
    const card = new CrisisCard();
    card.update(alert("ideation"));
    assert.equal(card.expanded, false);
    assert.equal(card.update(alert("behavior", [SAMARITANS, SHOUT])), null, "nothing new to say at behavior");
    assert.equal(card.level, "behavior");
    assert.equal(card.expanded, false, "expanding it would hide the conversation");
    assert.deepEqual(card.resources, [SAMARITANS, SHOUT]);
    const said = card.update(alert("imminent", [EMERGENCY, SAMARITANS]));
    assert.match(said ?? "", /call your local emergency number now/);
    assert.deepEqual(card.resources, [EMERGENCY, SAMARITANS]);
    assert.equal(card.update(alert("ideation", [SHOUT])), null);
    assert.equal(card.level, "imminent");
    assert.deepEqual(card.resources, [EMERGENCY, SAMARITANS]);
  });

  test("imminent at once says to call the emergency number in the first announcement", () => {
    const said = new CrisisCard().update(alert("imminent", [EMERGENCY]));
    assert.match(said ?? "", /^You don't have to face this alone\..*emergency number now/);
    assert.equal(en.crisis.emergency, "If you're in danger right now, please call your local emergency number now.");
  });

  test("expands and back to compact, but is never lost", () => {
    const card = new CrisisCard();
    card.update(alert("behavior"));
    card.toggle();
    assert.deepEqual([card.visible, card.expanded], [true, true]);
    card.update(alert("behavior"));
    assert.deepEqual([card.visible, card.expanded], [true, true], "a re-send leaves it expanded");
    card.toggle();
    assert.deepEqual([card.visible, card.expanded], [true, false], "compact, not closed");
    card.update(alert("behavior"));
    assert.deepEqual([card.visible, card.expanded], [true, false], "a re-send leaves it compact");
    card.open("US");
    assert.deepEqual([card.visible, card.expanded], [true, true], "Get help now expands it");
    assert.equal(card.country, "GB", "and keeps the country it shows");
  });

  test("opened from the header: the person's country, loaded from /helplines/; it may be closed", () => {
    const card = new CrisisCard();
    assert.equal(card.request(), null, "nothing to load while hidden");
    card.open("US");
    const request = card.request();
    assert.deepEqual(request, { id: 1, country: "US" });
    assert.equal(card.loading, true);
    card.loaded(request!.id, HELPLINES("US", [LIFELINE]));
    assert.equal(card.loading, false);
    assert.deepEqual(card.resources, [LIFELINE]);
    assert.equal(card.countries.length, 3);
    assert.equal(card.request(), null, "nothing more to load");
    card.toggle();
    assert.equal(card.visible, false, "nobody was worried: closed, not folded");
  });

  test("a country the server does not know gives the international list", () => {
    const card = new CrisisCard();
    card.open(null);
    const request = card.request()!;
    assert.equal(request.country, null);
    card.loaded(request.id, HELPLINES("INTL", [SAMARITANS]));
    assert.equal(card.country, "INTL");
  });

  test("after a detection only the countries are loaded: the server's list stays", () => {
    const card = new CrisisCard();
    card.update(alert("imminent", [EMERGENCY, SAMARITANS]));
    const request = card.request()!;
    card.loaded(request.id, HELPLINES("GB", [SAMARITANS]));
    assert.deepEqual(card.resources, [EMERGENCY, SAMARITANS]);
    assert.equal(card.countries.length, 3);
  });

  test("a detection without helplines loads them for its country", () => {
    const card = new CrisisCard();
    card.update(alert("ideation", [], "GB"));
    const request = card.request()!;
    assert.equal(request.country, "GB");
    card.loaded(request.id, HELPLINES("GB", [SAMARITANS]));
    assert.deepEqual(card.resources, [SAMARITANS]);
  });

  test("choosing a country replaces the list once loaded; a later detection keeps the choice", () => {
    const card = new CrisisCard();
    card.update(alert("ideation"));
    card.loaded(card.request()!.id, HELPLINES("GB", [SAMARITANS]));
    card.choose("US");
    assert.deepEqual(card.resources, []);
    const request = card.request(true)!;
    assert.equal(request.country, "US");
    card.loaded(request.id, HELPLINES("US", [LIFELINE]));
    assert.deepEqual(card.resources, [LIFELINE]);
    card.update(alert("behavior", [SAMARITANS], "GB"));
    assert.equal(card.level, "behavior");
    assert.equal(card.country, "US");
    assert.deepEqual(card.resources, [LIFELINE]);
  });

  test("only the newest answer counts; a failure with nothing to show says so", () => {
    const card = new CrisisCard();
    card.open("GB");
    const older = card.request()!;
    card.choose("US");
    const newer = card.request(true)!;
    card.loaded(older.id, HELPLINES("GB", [SAMARITANS]));
    assert.deepEqual(card.resources, []);
    card.failed(newer.id);
    assert.equal(card.loadFailed, true);
    const again = card.request(true)!;
    assert.equal(card.loadFailed, false);
    card.loaded(again.id, HELPLINES("US", [LIFELINE]));
    assert.deepEqual(card.resources, [LIFELINE]);
  });

  test("the server's list arriving while the person's load is in flight is not overwritten by it", () => {
    const card = new CrisisCard();
    card.open("US");
    const request = card.request()!;
    card.update(alert("behavior", [SAMARITANS], "GB"));
    card.loaded(request.id, HELPLINES("US", [LIFELINE]));
    assert.equal(card.country, "GB");
    assert.deepEqual(card.resources, [SAMARITANS]);
    assert.equal(card.countries.length, 3);
  });

  test("an erasure takes the card away", () => {
    const card = new CrisisCard();
    card.update(alert("behavior"));
    assert.equal(card.update(null), null);
    assert.deepEqual([card.visible, card.level, card.resources.length], [false, null, 0]);
    assert.match(card.update(alert("ideation")) ?? "", /face this alone/, "a new detection is news again");
  });
});

describe("the helplines card with the client", () => {
  test("frames through a reconnect: one card, updated once by the higher level", () => {
    const h = setup();
    const card = new CrisisCard();
    const said: string[] = [];
    h.client.subscribe((state) => {
      const text = card.update(state.crisis);
      if (text !== null) said.push(text);
    });
    h.socket().hello();
    h.socket().receive(crisisFrame("ideation"));
    card.toggle();
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello();
    h.socket().receive(crisisFrame("ideation"));
    assert.equal(card.expanded, true, "expanded it stays, through the re-send");
    h.socket().receive(crisisFrame("imminent", [EMERGENCY, SAMARITANS]));
    h.socket().drop();
    h.timers.runNext();
    h.socket().hello();
    h.socket().receive(crisisFrame("imminent", [EMERGENCY, SAMARITANS]));
    assert.equal(said.length, 2, "announced when it appeared and when it became imminent, not on re-sends");
    assert.deepEqual([card.level, card.expanded], ["imminent", true], "as the person left it");
    assert.deepEqual(card.resources, [EMERGENCY, SAMARITANS]);
  });
});
