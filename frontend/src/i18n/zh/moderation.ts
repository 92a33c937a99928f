import type { Messages } from "../en";

export const moderation: Messages["moderation"] = {
  live: "实时",
  following: "实时：对方写下的内容会即时显示在这里。",
  forbidden: "只有审核员可以实时查看案例。",
  handedBack: "已交还：助手会重新回复对方。请刷新页面。",
  erased: "对方已删除自己的数据。",
  unreadable: "这条消息无法解密。",
  notSent: "没有发送成功：请再试一次。",
  offline: "没有发送成功：你好像处于离线状态。",
  retrying: (seconds) => `连接已断开；${seconds} 秒后重试…`,
  soundOn: "已开启提示音",
  soundAndNotificationsOn: "已开启提示音和通知",
  roles: {
    user: "用户",
    assistant: "助手",
    moderator: "审核员",
  },
  levels: {
    ideation: "轻生念头",
    behavior: "危险行为",
    imminent: "迫在眉睫",
  },
  alerts: {
    opened: "新案例",
    raised: "风险升高",
    escalated: "已升级处理",
    returned: "已退回队列",
    assigned: "已分配给你",
  },
  alertTitle: (level, alert) => `风险（${level}）：${alert}`,
  alertBody: (caseId, categories) => `案例 ${caseId}，${categories}`,
  noCategory: "无类别",
};
