// The privacy HTTP API of docs/privacy.md. No DOM: fetch and the cookie string are injected.

import { ApiError, requestJson, type FetchLike } from "./api";
import { lookup, messages } from "./i18n";

export interface Purpose {
  id: string;
  required: boolean;
  label: string;
}

export interface PrivacyNotice {
  version: string;
  title: string;
  paragraphs: string[];
  purposes: Purpose[];
}

export interface Consent {
  version: string;
  purposes: string[];
  given_at: string;
}

export interface AccessRecord {
  at: string;
  role: string;
}

/** The account the person is signed in to; null for an anonymous visitor (the default). */
export interface Account {
  email: string;
}

export interface PrivacyState {
  notice: PrivacyNotice;
  consent: Consent | null;
  access: AccessRecord[];
  account: Account | null;
}

export interface Erased {
  conversations: number;
  messages: number;
}

export interface PrivacyApiDeps {
  fetch: FetchLike;
  /** `document.cookie`, read afresh for every request: an erasure replaces the session. */
  cookies: () => string;
  /** Where the API lives, with a trailing slash. */
  base?: string;
}

/** The one purpose without which there is no chat. */
export const REQUIRED_PURPOSE = "support";

/** A refused or failed request. `code` is the server's error code, or "network" / "bad_response". */
export class PrivacyError extends ApiError {
  override name = "PrivacyError";
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) && value.every(isString) ? [...value] : null;
}

function readPurpose(value: unknown): Purpose | null {
  if (!isObject(value) || !isString(value.id) || !isString(value.label)) return null;
  return { id: value.id, required: value.required === true, label: value.label };
}

function readNotice(value: unknown): PrivacyNotice | null {
  if (!isObject(value) || !isString(value.version) || !isString(value.title)) return null;
  const paragraphs = strings(value.paragraphs);
  if (!paragraphs || !Array.isArray(value.purposes)) return null;
  const purposes = value.purposes.map(readPurpose);
  if (purposes.some((purpose) => purpose === null)) return null;
  return { version: value.version, title: value.title, paragraphs, purposes: purposes as Purpose[] };
}

function readConsent(value: unknown): Consent | null {
  if (!isObject(value) || !isString(value.version)) return null;
  const purposes = strings(value.purposes);
  if (!purposes) return null;
  return { version: value.version, purposes, given_at: isString(value.given_at) ? value.given_at : "" };
}

/** Validates the body of GET /privacy/ (and of the POSTs that answer with the same); null if it is not one. */
export function readPrivacyState(data: unknown): PrivacyState | null {
  if (!isObject(data)) return null;
  const notice = readNotice(data.notice);
  if (!notice) return null;
  const consent = data.consent === null || data.consent === undefined ? null : readConsent(data.consent);
  if (consent === null && data.consent !== null && data.consent !== undefined) return null;
  const access = Array.isArray(data.access)
    ? data.access.filter(
        (item): item is AccessRecord => isObject(item) && isString(item.at) && isString(item.role),
      ).map(({ at, role }) => ({ at, role }))
    : [];
  const account = isObject(data.account) && isString(data.account.email) ? { email: data.account.email } : null;
  return { notice, consent, access, account };
}

/** True when the person agreed to the notice as it stands now, for at least the required purpose. */
export function hasCurrentConsent(state: PrivacyState): boolean {
  const { consent, notice } = state;
  return consent !== null && consent.version === notice.version && consent.purposes.includes(REQUIRED_PURPOSE);
}

/** What to tell the person when a privacy request fails. Server details are for developers, not shown. */
export function privacyErrorText(error: unknown): string {
  const text = messages().privacy;
  const code = error instanceof PrivacyError ? error.code : "";
  return lookup(text.errors, code) ?? text.error;
}

export class PrivacyApi {
  private readonly base: string;

  constructor(private readonly deps: PrivacyApiDeps) {
    this.base = deps.base ?? "/privacy/";
  }

  get exportUrl(): string {
    return `${this.base}export`;
  }

  load(): Promise<PrivacyState> {
    return this.request("GET", "").then(expectState);
  }

  /** Records consent to `version` for the required purpose and the optional ones given. */
  consent(version: string, optional: readonly string[]): Promise<PrivacyState> {
    const purposes = [REQUIRED_PURPOSE, ...optional.filter((id) => id !== REQUIRED_PURPOSE)];
    return this.request("POST", "consent", { version, purposes }).then(expectState);
  }

  withdraw(): Promise<PrivacyState> {
    return this.request("POST", "consent/withdraw", {}).then(expectState);
  }

  erase(): Promise<Erased> {
    return this.request("POST", "erase", { confirm: true }).then((data) => {
      const erased = isObject(data) ? data.erased : null;
      if (!isObject(erased)) throw new PrivacyError("bad_response", 200, "unexpected answer to erase");
      return {
        conversations: typeof erased.conversations === "number" ? erased.conversations : 0,
        messages: typeof erased.messages === "number" ? erased.messages : 0,
      };
    });
  }

  private async request(method: "GET" | "POST", path: string, body?: object): Promise<unknown> {
    try {
      return await requestJson(this.deps, method, `${this.base}${path}`, body);
    } catch (error) {
      throw error instanceof ApiError ? new PrivacyError(error.code, error.status, error.message) : error;
    }
  }
}

function expectState(data: unknown): PrivacyState {
  const state = readPrivacyState(data);
  if (!state) throw new PrivacyError("bad_response", 200, "unexpected privacy state");
  return state;
}
