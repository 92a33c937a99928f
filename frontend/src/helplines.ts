// GET /helplines/ (docs/protocol.md) and how a helpline is reached. No DOM: fetch is injected.
import type { FetchLike } from "./api";
import { messages } from "./i18n";
import type { Resource } from "./protocol";
import { readCountryCode, readResources } from "./protocol-read";

export interface Country {
  code: string;
  name: string;
}

/** The body of GET /helplines/. */
export interface Helplines {
  country: string;
  resources: Resource[];
  /** Every country the server has helplines for, "INTL" (another country) last. */
  countries: Country[];
}

export interface HelplinesApiDeps {
  fetch: FetchLike;
  /** Where the endpoint lives, with a trailing slash. */
  base?: string;
}

/** Validates the body of GET /helplines/; null if it is not one. */
export function readHelplines(data: unknown): Helplines | null {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const body = data as Record<string, unknown>;
  if (!Array.isArray(body.resources)) return null;
  const countries: Country[] = [];
  if (Array.isArray(body.countries)) {
    for (const item of body.countries) {
      if (typeof item !== "object" || item === null) continue;
      const { code, name } = item as Record<string, unknown>;
      const valid = readCountryCode(code);
      if (valid !== null && typeof name === "string" && name.trim() !== "") countries.push({ code: valid, name });
    }
  }
  return { country: readCountryCode(body.country) ?? "INTL", resources: readResources(body.resources), countries };
}

export class HelplinesApi {
  private readonly base: string;

  constructor(private readonly deps: HelplinesApiDeps) {
    this.base = deps.base ?? "/helplines/";
  }

  /** The helplines of `country`; null asks for the international list. Rejects on any failure. */
  async load(country: string | null): Promise<Helplines> {
    const query = country === null ? "" : `?country=${encodeURIComponent(country)}`;
    const response = await this.deps.fetch(`${this.base}${query}`, {
      method: "GET",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`helplines: HTTP ${response.status}`);
    const helplines = readHelplines(await response.json());
    if (!helplines) throw new Error("helplines: unexpected answer");
    return helplines;
  }
}

/** One way to reach a helpline, as a link. */
export interface ResourceAction {
  kind: "call" | "text" | "web";
  href: string;
  /** What the link says. */
  text: string;
  /** What a screen reader says: the visible text first (so voice control finds it), then the helpline's name. */
  label: string;
}

/** The number to dial for a written one: "116 123" → "116123", "+44 (0)20 7946 0000" keeps its +. */
export function dialable(number: string): string | null {
  const digits = number.replace(/\(0\)/g, "").replace(/[^\d+]/g, "");
  const cleaned = digits.charAt(0) + digits.slice(1).replace(/\+/g, "");
  return /\d/.test(cleaned) ? cleaned : null;
}

/** Call, text and web links for a helpline, in that order; a way that cannot be made a link is left out. */
export function resourceActions(resource: Resource): ResourceAction[] {
  const words = messages().crisis;
  const actions: ResourceAction[] = [];
  const { phone, sms } = resource;
  const call = phone === null ? null : dialable(phone);
  if (phone !== null && call !== null) {
    const what = words.call(phone);
    actions.push({ kind: "call", href: `tel:${call}`, text: what, label: words.actionLabel(what, resource.name) });
  }
  const text = sms === null ? null : dialable(sms);
  if (sms !== null && text !== null) {
    // "?&body=" pre-fills the message on both iOS and Android.
    const body = resource.sms_body ?? null;
    const what = body === null ? words.text(sms) : words.textWord(body, sms);
    actions.push({
      kind: "text",
      href: body === null ? `sms:${text}` : `sms:${text}?&body=${encodeURIComponent(body)}`,
      text: what,
      label: words.actionLabel(what, resource.name),
    });
  }
  if (resource.url !== null) {
    actions.push({
      kind: "web",
      href: resource.url,
      text: words.website,
      label: words.websiteLabel(resource.name),
    });
  }
  return actions;
}

/** A helpline and the one way to reach it that a compact card offers. */
export interface PrimaryAction {
  resource: Resource;
  action: ResourceAction;
}

/**
 * What a compact card offers: the first helpline that a person can call or text, by call if it takes calls. A
 * website is never the one way offered: in a crisis a voice or a reply is what helps, and the list has the rest.
 */
export function primaryAction(resources: readonly Resource[]): PrimaryAction | null {
  for (const resource of resources) {
    const action = resourceActions(resource).find((candidate) => candidate.kind !== "web");
    if (action) return { resource, action };
  }
  return null;
}
