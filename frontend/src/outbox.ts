/** The part of the Web Storage API the outbox needs. */
export type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface OutboxEntry {
  client_id: string;
  text: string;
}

export const OUTBOX_KEY = "emochat.outbox.v1";

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.client_id === "string" && typeof entry.text === "string";
}

/**
 * Messages written but not yet acknowledged, in the order they were written. Every change is written
 * through to storage so that a reload (or a crash) does not lose what the person wrote.
 */
export class Outbox {
  private items: OutboxEntry[];

  constructor(
    private readonly storage: StorageLike,
    private readonly key: string = OUTBOX_KEY,
  ) {
    this.items = this.load();
  }

  entries(): readonly OutboxEntry[] {
    return this.items;
  }

  has(clientId: string): boolean {
    return this.items.some((entry) => entry.client_id === clientId);
  }

  add(entry: OutboxEntry): void {
    this.items = [...this.items, { client_id: entry.client_id, text: entry.text }];
    this.save();
  }

  remove(clientId: string): boolean {
    const kept = this.items.filter((entry) => entry.client_id !== clientId);
    if (kept.length === this.items.length) return false;
    this.items = kept;
    this.save();
    return true;
  }

  clear(): void {
    this.items = [];
    this.save();
  }

  rename(oldId: string, newId: string): void {
    this.items = this.items.map((entry) => (entry.client_id === oldId ? { ...entry, client_id: newId } : entry));
    this.save();
  }

  private load(): OutboxEntry[] {
    try {
      const raw = this.storage.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? parsed.filter(isEntry).map(({ client_id, text }) => ({ client_id, text })) : [];
    } catch {
      return []; // unreadable or corrupt storage: start empty rather than fail to load the page
    }
  }

  private save(): void {
    try {
      if (this.items.length === 0) this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, JSON.stringify(this.items));
    } catch {
      // Storage full or disabled: the outbox still works in memory for this page.
    }
  }
}

/** A Storage stand-in for when the browser refuses localStorage (and for tests). */
export function createMemoryStorage(): StorageLike {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, String(value)),
    removeItem: (key) => void values.delete(key),
  };
}
