import type { Messages } from "../en";
import { groups } from "./emotion";
import { number } from "./number";

export const mood: Messages["mood"] = {
  loading: "正在加载…",
  failed: "你的心情记录没能加载出来。请检查网络连接，然后再试一次。",
  retry: "再试一次",
  emptyTitle: "这里还没有内容",
  empty: "随着你聊天，从你的消息里读到的感受会一天天汇集到这里，方便你回头看看自己这段时间过得怎么样。这个页面只有你自己能看到。",
  emptyRange: "这几天还没有记录。可以试试更长的时间范围，或者聊过天之后再来看看。",
  noSession: "请先打开聊天：这个页面展示的是你自己消息里的感受，而且只给你看。",
  toChat: "去聊天",
  summaryTitle: "本周",
  chartTitle: "每天的感受",
  chartLabel: "图表：每天有多少条消息被读作各种感受，以及那一天整体偏轻松还是偏沉重。下方的表格里有同样的数字。",
  showTable: "以表格显示",
  hideTable: "隐藏表格",
  tableLabel: "每天的感受（表格）",
  tableCaption: "按天列出从你的消息里读到的感受。没有消息也没有打卡的日子不列出。",
  feelingsTitle: "最常出现的感受",
  noFeelings: "这几天没有哪种感受特别突出。",
  balance: "轻松还是沉重",
  range: "显示最近",
  days: (days) => `${number(days)} 天`,
  note: "这些结果来自一个电脑模型对你所写文字的解读。它可能会出错，也并不能说明你是什么样的人，只反映那几天里的文字。",
  groups,
  columns: {
    day: "日期",
    messages: "消息数",
    leaning: "倾向",
    checkin: "心情打卡",
  },
  leaning: {
    lighter: "偏轻松",
    heavier: "偏沉重",
    mixed: "有起有落",
  },
  none: "—",
  checkins: (labels) => labels.join("，后来"),
  feelingCount: (count) => `${number(count)} 条消息`,
  axisMessages: "消息数",
  axisDay: "日期",
  ticks: {
    heavier: "沉重",
    even: "平衡",
    lighter: "轻松",
  },
};
