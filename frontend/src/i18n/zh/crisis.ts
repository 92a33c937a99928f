// 求助热线卡片。读它的人可能正非常难受：语气要平静、清楚、直接。
import type { Messages } from "../en";

const heading = "你不必独自面对这一切";
const emergency = "如果你现在有危险，请马上拨打当地的紧急电话。";

export const crisis: Messages["crisis"] = {
  heading,
  lead: "如果你在想结束自己的生命，或者想伤害自己，下面这些人现在就可以和你聊聊，而且是免费的。",
  emergency,
  emergencyNote: "无论什么时候，只要你遇到紧急危险，请拨打当地的紧急电话。",
  all: "全部求助热线",
  close: "关闭",
  closeLabel: "关闭求助热线",
  country: "国家或地区",
  loading: "正在加载求助热线…",
  failed: "求助热线没能加载出来。请检查网络连接，然后再试一次。",
  empty: "我们暂时还没有这个国家或地区的求助热线。请选择其他国家或地区，或者拨打当地的紧急电话。",
  retry: "再试一次",
  button: "立即求助",
  another: "其他国家或地区",
  announceFirst: (imminent) => `${heading}。求助热线显示在对话的最上方。${imminent ? emergency : ""}`,
  announceImminent: `${emergency}求助热线就在对话的最上方。`,
  call: (phone) => `拨打 ${phone}`,
  text: (sms) => `发短信到 ${sms}`,
  textWord: (word, sms) => `发送“${word}”到 ${sms}`,
  actionLabel: (action, name) => `${action}（${name}）`,
  website: "访问网站",
  websiteLabel: (name) => `访问网站（${name}，在新标签页中打开）`,
};
