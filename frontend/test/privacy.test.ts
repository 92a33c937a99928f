import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cookieValue } from "../src/api";
import { accessText, dateText } from "../src/format";
import { en } from "../src/i18n";
import {
  hasCurrentConsent,
  PrivacyApi,
  PrivacyError,
  privacyErrorText,
  readPrivacyState,
  type PrivacyState,
} from "../src/privacy";
import { fakeFetch, type Call } from "./fakes";

const NOTICE = {
  version: "2026-11-01",
  title: "Before we talk",
  paragraphs: ["We keep your messages encrypted.", "You can delete them at any time."],
  purposes: [
    { id: "support", required: true, label: "Store my messages to reply and keep me safe" },
    { id: "improve", required: false, label: "Use my anonymised conversations to improve the service" },
  ],
};

const STATE = { notice: NOTICE, consent: null, access: [], account: null };


function api(...answers: Parameters<typeof fakeFetch>) {
  const fake = fakeFetch(...answers);
  const client = new PrivacyApi({ fetch: fake.fetch, cookies: () => "sessionid=abc; csrftoken=tok%2Ben; theme=dark" });
  return { client, calls: fake.calls };
}

function headers(call: Call): Record<string, string> {
  return call.init.headers as Record<string, string>;
}

async function refusal(promise: Promise<unknown>): Promise<PrivacyError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PrivacyError, String(error));
    return error;
  }
  assert.fail("the request was not refused");
}

describe("PrivacyApi requests", () => {
  test("load GETs /privacy/ with the session cookie and no CSRF header", async () => {
    const { client, calls } = api({ status: 200, body: STATE });
    const state = await client.load();
    assert.deepEqual(state, STATE);
    assert.equal(calls[0]!.url, "/privacy/");
    assert.equal(calls[0]!.init.method, "GET");
    assert.equal(calls[0]!.init.credentials, "same-origin");
    assert.equal(calls[0]!.init.body, undefined);
    assert.equal(headers(calls[0]!)["X-CSRFToken"], undefined);
  });

  test("consent POSTs JSON with the CSRF token from the cookie; support always, improve only when chosen", async () => {
    const given = { ...STATE, consent: { version: NOTICE.version, purposes: ["support"], given_at: "2026-11-21T10:00:00+00:00" } };
    const { client, calls } = api({ status: 200, body: given }, { status: 200, body: given });
    assert.deepEqual(await client.consent(NOTICE.version, []), given);
    await client.consent(NOTICE.version, ["improve"]);
    assert.equal(calls[0]!.url, "/privacy/consent");
    assert.equal(calls[0]!.init.method, "POST");
    assert.equal(headers(calls[0]!)["X-CSRFToken"], "tok+en");
    assert.equal(headers(calls[0]!)["Content-Type"], "application/json");
    assert.deepEqual(JSON.parse(String(calls[0]!.init.body)), { version: "2026-11-01", purposes: ["support"] });
    assert.deepEqual(JSON.parse(String(calls[1]!.init.body)), { version: "2026-11-01", purposes: ["support", "improve"] });
  });

  test("withdraw and erase POST to their own paths", async () => {
    const { client, calls } = api(
      { status: 200, body: STATE },
      { status: 200, body: { erased: { conversations: 2, messages: 17 } } },
    );
    assert.equal((await client.withdraw()).consent, null);
    assert.deepEqual(await client.erase(), { conversations: 2, messages: 17 });
    assert.equal(calls[0]!.url, "/privacy/consent/withdraw");
    assert.equal(calls[1]!.url, "/privacy/erase");
    assert.deepEqual(JSON.parse(String(calls[1]!.init.body)), { confirm: true });
    for (const call of calls) assert.equal(headers(call)["X-CSRFToken"], "tok+en");
    assert.equal(client.exportUrl, "/privacy/export");
  });

  test("the cookie is read at each request: an erasure may have replaced it", async () => {
    let cookies = "csrftoken=first";
    const fake = fakeFetch({ status: 200, body: STATE }, { status: 200, body: STATE });
    const client = new PrivacyApi({ fetch: fake.fetch, cookies: () => cookies });
    await client.withdraw();
    cookies = "csrftoken=second";
    await client.withdraw();
    assert.deepEqual(fake.calls.map((call) => headers(call)["X-CSRFToken"]), ["first", "second"]);
  });
});

describe("PrivacyApi errors", () => {
  test("400 carries the server's code and detail", async () => {
    const { client } = api({ status: 400, body: { error: { code: "invalid", detail: "support is required" } } });
    const error = await refusal(client.consent(NOTICE.version, []));
    assert.equal(error.code, "invalid");
    assert.equal(error.status, 400);
    assert.equal(error.message, "support is required");
  });

  test("409 is notice_changed, and says so calmly", async () => {
    const { client } = api({ status: 409, body: { error: { code: "notice_changed", detail: "now 2026-12-01" } } });
    const error = await refusal(client.consent("2026-10-01", []));
    assert.equal(error.code, "notice_changed");
    assert.match(privacyErrorText(error), /updated/);
  });

  test("an error without a JSON body is named by its status", async () => {
    const { client } = api({ status: 502 });
    const error = await refusal(client.load());
    assert.equal(error.code, "http_502");
    assert.equal(privacyErrorText(error), "Something went wrong. Please try again.");
  });

  test("a request that never arrives is a network error", async () => {
    const { client } = api(new TypeError("Failed to fetch"));
    const error = await refusal(client.erase());
    assert.equal(error.code, "network");
    assert.match(privacyErrorText(error), /connection/);
  });

  test("a 200 that is not a privacy state is refused", async () => {
    const { client } = api({ status: 200, body: { notice: { version: 1 } } }, { status: 200, body: { deleted: true } });
    assert.equal((await refusal(client.load())).code, "bad_response");
    assert.equal((await refusal(client.erase())).code, "bad_response");
  });
});

describe("privacy state", () => {
  test("reads a state and drops what it does not know", () => {
    const state = readPrivacyState({
      ...STATE,
      extra: 1,
      consent: { version: "v", purposes: ["support"], given_at: "t", id: 9 },
      access: [{ at: "2026-11-21T14:02:00+00:00", role: "moderator", reader: "x" }, { at: 5 }],
    });
    assert.deepEqual(state?.consent, { version: "v", purposes: ["support"], given_at: "t" });
    assert.deepEqual(state?.access, [{ at: "2026-11-21T14:02:00+00:00", role: "moderator" }]);
    assert.equal(state?.account, null);
  });

  test("reads the account the person is signed in to, and nothing else of it", () => {
    assert.deepEqual(readPrivacyState({ ...STATE, account: { email: "sam@example.org", id: 3 } })?.account,
      { email: "sam@example.org" });
    assert.equal(readPrivacyState({ ...STATE, account: { email: 5 } })?.account, null);
    assert.equal(readPrivacyState({ notice: NOTICE, consent: null, access: [] })?.account, null);
  });

  test("refuses a state without a usable notice or with a malformed consent", () => {
    assert.equal(readPrivacyState(null), null);
    assert.equal(readPrivacyState({ consent: null }), null);
    assert.equal(readPrivacyState({ ...STATE, notice: { ...NOTICE, paragraphs: [1] } }), null);
    assert.equal(readPrivacyState({ ...STATE, consent: { version: "v", purposes: "support" } }), null);
  });

  test("consent is current only for this notice version and with support", () => {
    const at = (version: string, purposes: string[]): PrivacyState => ({
      notice: NOTICE,
      consent: { version, purposes, given_at: "" },
      access: [],
      account: null,
    });
    assert.equal(hasCurrentConsent({ notice: NOTICE, consent: null, access: [], account: null }), false);
    assert.equal(hasCurrentConsent(at(NOTICE.version, ["support"])), true);
    assert.equal(hasCurrentConsent(at(NOTICE.version, ["support", "improve"])), true);
    assert.equal(hasCurrentConsent(at("2026-01-01", ["support"])), false);
    assert.equal(hasCurrentConsent(at(NOTICE.version, ["improve"])), false);
  });

  test("cookieValue finds one cookie by exact name", () => {
    assert.equal(cookieValue("a=1; csrftoken=xyz; b=2", "csrftoken"), "xyz");
    assert.equal(cookieValue("xcsrftoken=no; csrftoken=yes", "csrftoken"), "yes");
    assert.equal(cookieValue("a=1", "csrftoken"), null);
    assert.equal(cookieValue("", "csrftoken"), null);
  });
});

describe("privacy wording", () => {
  const utc = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

  test("access log lines name the reader's role and the time", () => {
    assert.equal(accessText({ at: "2026-11-21T14:02:00+00:00", role: "moderator" }, utc), "Read by a moderator · 21 Nov 2026, 14:02");
    assert.equal(
      accessText({ at: "2026-11-21T14:02:00+00:00", role: "administrator" }, utc),
      "Read by an administrator · 21 Nov 2026, 14:02",
    );
    assert.match(accessText({ at: "2026-11-21T14:02:00+00:00", role: "intern" }, utc), /^Read by someone on our team · /);
  });

  test("a date that does not parse is shown as it came", () => {
    assert.equal(dateText("soon", utc), "soon");
  });

  test("the empty access log says no one has read", () => {
    assert.equal(en.privacy.noAccess, "No one on our team has read your conversations.");
  });
});
