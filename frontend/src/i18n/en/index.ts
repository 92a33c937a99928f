// The English catalogue: the source of every word the page shows, and of the type the other catalogues must fit.
import { analytics } from "./analytics";
import { chat } from "./chat";
import { crisis } from "./crisis";
import { emotion } from "./emotion";
import { checkin, feedback } from "./feedback";
import { history } from "./history";
import { moderation } from "./moderation";
import { mood } from "./mood";
import { privacy } from "./privacy";

export const en = { chat, emotion, crisis, privacy, feedback, checkin, history, mood, moderation, analytics };

/** Every catalogue has exactly this shape: plain strings, and functions for words with parameters. */
export type Messages = typeof en;
