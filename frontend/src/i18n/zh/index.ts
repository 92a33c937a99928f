// The Simplified Chinese catalogue. Typed as Messages: tsc fails where a key is missing, extra or of another kind.
import type { Messages } from "../en";
import { analytics } from "./analytics";
import { chat } from "./chat";
import { crisis } from "./crisis";
import { emotion } from "./emotion";
import { checkin, feedback } from "./feedback";
import { history } from "./history";
import { moderation } from "./moderation";
import { mood } from "./mood";
import { privacy } from "./privacy";

export const zh: Messages = {
  chat,
  emotion,
  crisis,
  privacy,
  feedback,
  checkin,
  history,
  mood,
  moderation,
  analytics,
};
