// Approved replies on the case page (case.html's .canned-picker): a text the moderation leads keep is put into the
// moderator's message box, to be edited there before it is sent, and its id into the form's canned_reply field, so
// that the server counts it with the message (conversations/moderation/canned.py). Every word of the picker is
// rendered by the server; this module has none of its own.

/** The message box's text once `reply` is put in: the reply alone when nothing is written, else after what is
 * written and a blank line. */
export function withReply(draft: string, reply: string): string {
  const written = draft.trimEnd();
  return written.trim() === "" ? reply : `${written}\n\n${reply}`;
}

/** The canned_reply field after the moderator edits the box: the reply's id while anything is written, nothing
 * once the box is emptied (what is sent next is the moderator's own words). */
export function chosenAfterEdit(draft: string, chosen: string): string {
  return draft.trim() === "" ? "" : chosen;
}

/** What is needed of the message box (a textarea). */
export interface DraftBox {
  value: string;
  focus(): void;
  setSelectionRange(start: number, end: number): void;
}

/** The picked reply: its id and its text (the option's value and data-text). */
export interface CannedChoice {
  readonly id: string;
  readonly text: string;
}

export class CannedReplies {
  /** `typed`: the moderator is writing (the person sees "Support team is typing…"). */
  constructor(
    private readonly draft: DraftBox,
    private readonly chosen: { value: string },
    private readonly typed: () => void,
  ) {}

  /** Puts the reply into the box, the caret after it, ready to edit; false when no reply was picked. */
  insert(choice: CannedChoice | null): boolean {
    if (!choice?.id || !choice.text) return false;
    this.draft.value = withReply(this.draft.value, choice.text);
    this.chosen.value = choice.id;
    this.draft.focus();
    const end = this.draft.value.length;
    this.draft.setSelectionRange(end, end);
    this.typed();
    return true;
  }

  /** The moderator changed the box's text. */
  edited(): void {
    this.chosen.value = chosenAfterEdit(this.draft.value, this.chosen.value);
  }
}

/** Wires the picker (#canned-reply), its Insert button (#canned-insert) and the form's canned_reply field
 * (#canned-chosen) to the message box; nothing when the page shows no picker. */
export function mountCannedReplies(
  doc: Document,
  draft: HTMLTextAreaElement | HTMLInputElement | null,
  typed: () => void,
): void {
  const picker = doc.getElementById("canned-reply");
  const insert = doc.getElementById("canned-insert");
  const chosen = doc.getElementById("canned-chosen");
  if (!(picker instanceof HTMLSelectElement) || !insert || !(chosen instanceof HTMLInputElement) || !draft) return;
  const replies = new CannedReplies(draft, chosen, typed);
  insert.addEventListener("click", () => {
    const option = picker.selectedOptions[0];
    const choice = option ? { id: option.value, text: option.dataset.text ?? "" } : null;
    if (!replies.insert(choice)) picker.focus(); // nothing picked yet: the picker is where to go
  });
  draft.addEventListener("input", () => replies.edited());
}
