// 聊天页面的文字（简体中文）。语气：温和、平实，对用户一律称“你”。
import type { Messages } from "../en";
import { number } from "./number";

export const chat: Messages["chat"] = {
  connection: {
    connecting: "正在连接…",
    open: "已连接",
    reconnecting: "正在重新连接…",
    offline: "目前处于离线状态——恢复联网后，你的消息会自动发送",
    closed: "连接已断开",
  },
  speaker: {
    user: "你",
    assistant: "emochat",
    moderator: "支持团队",
  },
  newConversation: "新对话",
  newConversationShort: "新对话",
  conversationLabel: "对话",
  messageLabel: "你的消息",
  hint: "按 Enter 发送 · Shift+Enter 换行",
  send: "发送",
  counter: (length, max) => `${number(length)} / ${number(max)} 字`,
  sending: "正在发送…",
  waitingForConsent: "还没有发送：等你同意隐私说明后就会发出",
  notSent: (reason) => `没有发送成功：${reason}`,
  editAndRetry: "修改后重试",
  unreadable: "这条消息无法解密。",
  typing: {
    moderator: "支持团队正在输入…",
    stillThinking: "还在想，请稍等…",
    thinking: "正在思考…",
    writing: "正在写回复…",
  },
  support: {
    joined: "一位支持团队的成员加入了对话。",
    left: "支持团队的成员已经离开，助手回来陪你继续聊。",
    indicator: "支持团队在这里",
  },
  notices: {
    unavailable: "回复比平时慢一些。你的消息已经保存，一定会得到回复。",
    forbidden: "暂时无法在这里打开这个对话。刷新一下页面通常就好了。",
    error: "出了点问题，请再试一次。",
    consent: "请先阅读并同意隐私说明。你的消息已经留着，同意后就会发出。",
    erased: "你在这里写下的所有内容都已删除。",
    elsewhere: "这个对话已经在另一个标签页或窗口中打开。刷新本页面，就可以在这里继续。",
  },
  failed: {
    invalid: "这条消息没能发送出去。",
    too_long: "这条消息太长了（最多 4000 字）。",
    rate_limited: "你发得有点快。请稍等一下，再试一次。",
  },
};
