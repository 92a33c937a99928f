// A live reply shown at a reading pace. The server sends a reply's pieces as fast as they come (a curated reply
// all at once); the page writes them out a word at a time, so the person sees the reply being written.
import type { Timers } from "./reconnect";

/** One word per this many milliseconds (about 14 words a second): the reply is seen being written, and keeps up
 * with a model that writes at a reading pace. */
export const DEFAULT_REVEAL_MS = 70;
/** However long the reply, it is all shown within this long of its end arriving: the pace quickens if need be. */
export const FINISH_WITHIN_MS = 6_000;

/** Chinese, Japanese and full-width punctuation: no spaces between words, so two characters make a step. */
const CJK = "\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef";
const PIECE = new RegExp(`\\s*(?:[${CJK}]{1,2}|[^\\s${CJK}]+)\\s*`, "y");

/** Where the piece of `text` that starts at `from` ends: a word with the spaces around it, or two CJK characters. */
export function pieceEnd(text: string, from: number): number {
  PIECE.lastIndex = from;
  return PIECE.test(text) ? PIECE.lastIndex : text.length;
}

function piecesLeft(text: string, from: number): number {
  let count = 0;
  for (let at = from; at < text.length; at = pieceEnd(text, at)) count += 1;
  return count;
}

function commonPrefix(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length += 1;
  return length;
}

/** The pace the operator set (`data-reveal-ms`), or none at all for someone who asked for less motion. */
export function revealPace(setting: string | undefined, reducedMotion: boolean): number {
  if (reducedMotion) return 0;
  const ms = setting?.trim() ? Number(setting) : NaN;
  return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_REVEAL_MS;
}

export interface RevealDeps {
  timers: Timers;
  /** Milliseconds, from any fixed point. */
  now: () => number;
  /** Milliseconds per piece; 0 shows text as it arrives. */
  paceMs: number;
  /** More of a reply is due on screen. */
  changed: () => void;
}

interface Progress {
  /** Everything that has arrived. */
  text: string;
  /** How much of it is shown. */
  shown: number;
  /** When a piece was last shown; -Infinity before the first, so that one is shown the moment it arrives. */
  at: number;
  /** Set once the reply is stored (reply.end): the deadline runs from here. */
  endedAt: number | null;
  timer: number | null;
}

/**
 * How much of each reply to show. Only replies first seen streaming are paced: stored messages (history, a resume
 * after a reconnect, a reply that finished while the page was away) are shown whole. Pure state and timers, no DOM.
 */
export class Reveal {
  private readonly replies = new Map<string, Progress>();

  constructor(private readonly deps: RevealDeps) {}

  /** The part of a message's text to show now; `streaming` while its reply is still arriving. */
  text(key: string, text: string, streaming: boolean): string {
    let reply = this.replies.get(key);
    if (!reply) {
      if (!streaming || this.deps.paceMs <= 0) return text;
      reply = { text: "", shown: 0, at: -Infinity, endedAt: null, timer: null };
      this.replies.set(key, reply);
    }
    const kept = commonPrefix(reply.text.slice(0, reply.shown), text);
    // The reply started over (a second reply.start empties it), or its stored text differs: carry on from there.
    if (kept < reply.shown) {
      reply.shown = kept;
      reply.at = -Infinity;
    }
    reply.text = text;
    if (!streaming && reply.endedAt === null) reply.endedAt = this.deps.now();
    this.advance(key, reply);
    return text.slice(0, reply.shown);
  }

  /** Whether a reply is still being written out on screen. */
  writing(key: string): boolean {
    return this.replies.has(key);
  }

  /** The message is gone from the conversation. */
  forget(key: string): void {
    const reply = this.replies.get(key);
    if (reply && reply.timer !== null) this.deps.timers.clearTimeout(reply.timer);
    this.replies.delete(key);
  }

  /** When the next piece is due: one per pace, quicker if the deadline after the end would be missed. */
  private due(reply: Progress): number {
    if (reply.endedAt === null || reply.at === -Infinity) return reply.at + this.deps.paceMs;
    const left = reply.endedAt + FINISH_WITHIN_MS - reply.at;
    return reply.at + Math.max(0, Math.min(this.deps.paceMs, left / piecesLeft(reply.text, reply.shown)));
  }

  /** Shows what is due now and sets a timer for the next piece; a reply fully shown after its end is done. */
  private advance(key: string, reply: Progress): void {
    if (reply.timer !== null) this.deps.timers.clearTimeout(reply.timer);
    reply.timer = null;
    const now = this.deps.now();
    const late = reply.endedAt !== null && now >= reply.endedAt + FINISH_WITHIN_MS;
    while (reply.shown < reply.text.length && (late || this.due(reply) <= now)) {
      reply.shown = pieceEnd(reply.text, reply.shown);
      reply.at = now;
    }
    if (reply.shown < reply.text.length) {
      reply.timer = this.deps.timers.setTimeout(() => {
        reply.timer = null;
        this.advance(key, reply);
        this.deps.changed();
      }, this.due(reply) - now);
    } else if (reply.endedAt !== null) {
      this.replies.delete(key);
    }
  }
}
