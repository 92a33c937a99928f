import type { Messages } from "../en";
import { number } from "./number";

export const feedback: Messages["feedback"] = {
  question: "这条回复对你有帮助吗？",
  helpful: "有帮助",
  notHelpful: "没有帮助",
  reasonLabel: "怎样会对你更有帮助？（可不填）",
  send: "发送",
  skip: "跳过",
  retry: "再试一次",
  saving: "正在保存…",
  saved: "谢谢你",
  errors: {
    network: "连接不上服务器，这次没有保存。请检查网络连接，然后再试一次。",
    rate_limited: "一下子改动有点多。请稍等一会儿，再试一次。",
    consent_required: "请先同意隐私说明，然后再试一次。",
    not_found: "这条回复已经不能再评价了。",
  },
  tooLong: (max) => `理由写得太长了（最多 ${number(max)} 字）。`,
  error: "这次没有保存，请再试一次。",
};

export const checkin: Messages["checkin"] = {
  question: "你现在感觉怎么样？",
  skip: "以后再说",
  skipLabel: "这次对话先不做心情打卡",
  thanks: "谢谢你。你可以在“我的心情”里看看自己这段时间的感受。",
  failed: "没有保存成功。请检查网络连接后再试一次，或者先跳过。",
  moodLink: "我的心情",
  moodLinkShort: "心情",
};
