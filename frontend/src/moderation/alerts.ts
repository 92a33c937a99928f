import { messages } from "../i18n";
import type { CaseAlert } from "./frames";

/** The part of the Web Audio API the tone needs. */
export interface AudioLike {
  readonly currentTime: number;
  readonly destination: unknown;
  resume(): Promise<void>;
  createOscillator(): {
    frequency: { value: number };
    connect(destination: unknown): unknown;
    start(when: number): void;
    stop(when: number): void;
  };
  createGain(): {
    gain: {
      setValueAtTime(value: number, time: number): unknown;
      exponentialRampToValueAtTime(value: number, time: number): unknown;
    };
    connect(destination: unknown): unknown;
  };
}

// Method syntax, so that the DOM's handler, which takes an Event, fits (as for WebSocketLike in reconnect.ts).
type ClickHandler = { handle(event: unknown): void }["handle"] | null;

/** The browser's desktop notifications. */
export interface NotificationsLike {
  permission(): string;
  requestPermission(): Promise<unknown>;
  show(title: string, options: { body: string; tag: string }): { onclick: ClickHandler };
}

export interface AlertDeps {
  createAudio: () => AudioLike;
  /** null where the browser has none. */
  notifications: NotificationsLike | null;
  /** Brings this window forward, for a clicked notification. */
  focus: () => void;
  navigate: (href: string) => void;
}

/**
 * How a case that needs someone now reaches the moderator: a tone, and a desktop notification when they allowed
 * them. Browsers only play sound after a click on the page, which is what the "Enable" button is for.
 */
export class Alerts {
  private audio: AudioLike | null = null;

  constructor(private readonly deps: AlertDeps) {}

  /** After the click on "Enable": returns the button's new label. */
  async enable(): Promise<string> {
    this.audio ??= this.deps.createAudio();
    await this.audio.resume();
    const { notifications } = this.deps;
    if (notifications) await notifications.requestPermission();
    const text = messages().moderation;
    return notifications?.permission() === "granted" ? text.soundAndNotificationsOn : text.soundOn;
  }

  alert(alert: CaseAlert): void {
    this.beep();
    const { notifications } = this.deps;
    if (!notifications || notifications.permission() !== "granted") return;
    const note = notifications.show(alert.title, { body: alert.body, tag: alert.tag });
    note.onclick = () => {
      this.deps.focus();
      if (alert.href !== null) this.deps.navigate(alert.href);
    };
  }

  /** A short tone made on the spot, so there is no sound file to serve; silent until enabled. */
  beep(): void {
    const audio = this.audio;
    if (!audio) return;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    const now = audio.currentTime;
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.25, now);
    gain.gain.exponentialRampToValueAtTime(0.001, now + 0.5);
    tone.connect(gain);
    gain.connect(audio.destination);
    tone.start(now);
    tone.stop(now + 0.5);
  }
}
