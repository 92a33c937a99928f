// 管理后台“数据分析”页的图表（页面与表格由服务器生成）。
import type { Messages } from "../en";
import { groups } from "./emotion";

export const analytics: Messages["analytics"] = {
  axisDay: "日期",
  axisMessages: "消息数",
  none: "–",
  roles: {
    user: "用户",
    assistant: "助手",
    moderator: "审核员",
  },
  groups,
  unreadable: "无法绘制图表；下方表格中有相同的数字。",
};
