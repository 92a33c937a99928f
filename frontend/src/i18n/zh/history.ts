import type { Messages } from "../en";

export const history: Messages["history"] = {
  button: "过往对话",
  buttonShort: "过往",
  title: "过往对话",
  close: "关闭",
  loading: "正在加载你的对话…",
  offline: "离线时无法加载你的对话。",
  empty: "还没有过往对话。开始新对话后，当前这段对话会保存在这里。",
  notFound: "这段对话已经无法打开了。",
  current: "当前",
  untitled: "还没有写任何内容",
  confirm: "要开始新对话吗？当前这段对话会保存在“过往对话”里。",
  startNew: "开始新对话",
  cancel: "取消",
  rowMood: (mood) => `心情：${mood}`,
  rowCurrent: "当前对话",
  rowLabel: (parts) => parts.join("，"),
};
