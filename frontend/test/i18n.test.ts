import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { accessText, counterText, crisisAnnouncement, dateText, emotionLabel, emotionTitle } from "../src/format";
import { historyDate, historyLabel } from "../src/history";
import {
  PSEUDO_CLOSE,
  PSEUDO_OPEN,
  catalogue,
  en,
  intlLocale,
  localeFrom,
  messages,
  numberText,
  pseudo,
  pseudoText,
  setLocale,
  setLocaleFromDocument,
  zh,
  type Locale,
} from "../src/i18n";
import { dayText, feelingCountText, leaningText } from "../src/mood/data";
import { resourceActions } from "../src/helplines";

type Entry = { path: string; value: unknown };

/** Every string and function of a catalogue, by its dotted path. */
function entries(value: unknown, path = ""): Entry[] {
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => entries(item, path ? `${path}.${key}` : key));
  }
  return [{ path, value }];
}

function shape(value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shape(item)]));
  }
  return typeof value;
}

/**
 * Arguments to call each of the catalogue's functions with: Chinese words or digits, as the page would pass them
 * in Chinese (the server's data stands in as itself). Every function must have one: see the test below.
 */
const SAMPLES: Record<string, unknown[]> = {
  "chat.counter": [3600, 4000],
  "chat.notSent": ["这条消息没能发送出去。"],
  "emotion.readLabel": ["难过"],
  "emotion.scores": [["难过 0.81", "悲伤 0.40"]],
  "crisis.announceFirst": [true],
  "crisis.call": ["116 123"],
  "crisis.text": ["741741"],
  "crisis.textWord": ["你好", "741741"],
  "crisis.actionLabel": ["拨打 116 123", "撒玛利亚会"],
  "crisis.websiteLabel": ["撒玛利亚会"],
  "privacy.signedIn": ["me@example.com"],
  "privacy.required": ["提供支持"],
  "privacy.agreedOn": ["2026年11月21日 14:02"],
  "privacy.readBy": ["一位审核员", "2026年11月21日 14:02"],
  "feedback.tooLong": [500],
  "history.rowMood": ["难过"],
  "history.rowLabel": [["我睡不着", "14:02"]],
  "mood.days": [30],
  "mood.checkins": [["很低", "还行"]],
  "mood.feelingCount": [5],
  "moderation.retrying": [4],
  "moderation.alertTitle": ["迫在眉睫", "新案例"],
  "moderation.alertBody": ["3f1c2a9e", "自伤"],
};

/** The words of a catalogue: its strings, and what its functions say for the samples. */
function texts(messages: unknown): Entry[] {
  return entries(messages).map(({ path, value }) => ({
    path,
    value: typeof value === "function" ? (value as (...args: unknown[]) => unknown)(...SAMPLES[path]!) : value,
  }));
}

/** Latin words a Chinese string may keep: the product's name, key names, a web address or an email. */
const LATIN_ALLOWED = [/\bemochat\b/g, /\bEsc\b/g, /\bShift\b/g, /\bEnter\b/g, /https?:\/\/\S+/g, /\S+@\S+/g];

function latinWords(text: string): string[] {
  const rest = LATIN_ALLOWED.reduce((left, pattern) => left.replace(pattern, " "), text);
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

function withLocale<T>(locale: Locale, run: () => T): T {
  setLocale(locale);
  try {
    return run();
  } finally {
    setLocale("en");
  }
}

afterEach(() => setLocale("en"));

describe("catalogues", () => {
  test("zh has exactly the keys of en, each of the same kind", () => {
    assert.deepEqual(shape(zh), shape(en));
  });

  test("every function of the catalogue has sample arguments (so the checks below call it)", () => {
    const functions = entries(en).filter((entry) => typeof entry.value === "function").map((entry) => entry.path);
    assert.deepEqual(functions.filter((path) => !(path in SAMPLES)), []);
    assert.deepEqual(Object.keys(SAMPLES).filter((path) => !functions.includes(path)), []);
  });

  test("no Chinese text is still English", () => {
    const english = texts(zh)
      .map(({ path, value }) => ({ path, words: latinWords(String(value)) }))
      .filter(({ words }) => words.length > 0);
    assert.deepEqual(english, []);
  });

  test("no text is empty, in either language", () => {
    for (const catalogue of [en, zh]) {
      for (const { path, value } of texts(catalogue)) assert.notEqual(String(value).trim(), "", path);
    }
  });

  test("Chinese speaks to the person as 你, never 您", () => {
    assert.deepEqual(texts(zh).filter(({ value }) => String(value).includes("您")), []);
  });

  test("zh functions say sensible Chinese", () => {
    assert.equal(zh.chat.counter(3600, 4000), "3,600 / 4,000 字");
    assert.equal(zh.mood.feelingCount(1), "1 条消息");
    assert.equal(zh.mood.feelingCount(12), "12 条消息");
    assert.equal(zh.mood.days(30), "30 天");
    assert.equal(zh.mood.checkins(["很低", "还行"]), "很低，后来还行");
    assert.equal(zh.crisis.actionLabel(zh.crisis.call("116 123"), "Samaritans"), "拨打 116 123（Samaritans）");
  });

  test("English keeps its words", () => {
    assert.equal(en.chat.counter(3600, 4000), "3600 / 4000");
    assert.equal(en.mood.feelingCount(1), "1 message");
    assert.equal(en.mood.feelingCount(4), "4 messages");
    assert.equal(en.mood.days(7), "7 days");
    assert.equal(en.crisis.announceFirst(false), "You don't have to face this alone. Helplines are shown at the top of the conversation.");
  });
});

describe("pseudo-locale", () => {
  const fake = pseudo(en);

  test("has the shape of en", () => {
    assert.deepEqual(shape(fake), shape(en));
  });

  test("accents and brackets a string, keeping placeholders, digits and punctuation", () => {
    assert.equal(pseudoText("Send"), "⟦Śéñð⟧");
    assert.equal(pseudoText("Hello {name}, 42 left…"), "⟦Ĥéļļö {name}, 42 ļéƒţ…⟧");
    assert.equal(PSEUDO_OPEN, "⟦");
    assert.equal(PSEUDO_CLOSE, "⟧");
  });

  test("every string and every function's result is marked, and no English letter is left", () => {
    for (const { path, value } of texts(fake)) {
      const text = String(value);
      assert.ok(text.startsWith(PSEUDO_OPEN) && text.endsWith(PSEUDO_CLOSE), `${path}: ${text}`);
      if (typeof entries(en).find((entry) => entry.path === path)!.value === "string") {
        assert.doesNotMatch(text, /[A-Za-z]/, path);
      }
    }
  });

  test("a function's arguments (the server's words, numbers) are kept as they are", () => {
    assert.equal(fake.chat.counter(3600, 4000), "⟦3600 / 4000⟧");
    assert.equal(fake.crisis.call("116 123"), "⟦Çåļļ 116 123⟧");
    assert.equal(fake.crisis.websiteLabel("Samaritans"), "⟦Ṽîśîţ ŵéƀśîţé (Samaritans, öþéñś îñ å ñéŵ ţåƀ)⟧");
    assert.equal(fake.mood.feelingCount(1), "⟦1 ɱéśśåĝé⟧");
    assert.equal(fake.history.rowLabel(["Title", "14:02"]), "⟦Title, 14:02⟧");
  });
});

describe("choosing the locale", () => {
  test("from <html lang>", () => {
    const cases: [string, Locale][] = [
      ["en", "en"],
      ["en-us", "en"],
      ["en-GB", "en"],
      ["", "en"],
      ["fr", "en"],
      ["zh", "zh"],
      ["zh-hans", "zh"],
      ["zh-Hans-CN", "zh"],
      ["ZH-CN", "zh"],
      ["zh_TW", "zh"],
      ["en-xa", "en-xa"],
      ["EN-XA", "en-xa"],
      [" en-xa ", "en-xa"],
    ];
    for (const [lang, locale] of cases) assert.equal(localeFrom(lang), locale, lang);
  });

  test("English until a page sets it", () => {
    assert.equal(messages(), en);
    assert.equal(intlLocale(), undefined);
  });

  test("setLocale picks the catalogue and the Intl tag", () => {
    assert.equal(withLocale("zh", () => messages()), zh);
    assert.equal(withLocale("zh", () => intlLocale()), "zh-CN");
    assert.equal(withLocale("en-xa", () => intlLocale()), undefined);
    assert.equal(withLocale("en-xa", () => messages().chat.send), "⟦Śéñð⟧");
    // Built once.
    assert.equal(catalogue("en-xa"), catalogue("en-xa"));
  });

  test("dates and counts the page formats are marked in the pseudo-locale, and only there", () => {
    const utc = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
    assert.equal(withLocale("en-xa", () => dateText("2026-11-21T14:02:00Z", utc)), "⟦21 Nov 2026, 14:02⟧");
    assert.equal(withLocale("en-xa", () => numberText(3600)), "⟦3600⟧");
    assert.equal(withLocale("en-xa", () => dayText("2026-11-03")).startsWith(PSEUDO_OPEN), true);
    assert.equal(dateText("2026-11-21T14:02:00Z", utc), "21 Nov 2026, 14:02");
    assert.equal(numberText(3600), "3600");
    assert.equal(withLocale("zh", () => numberText(3600)), "3,600");
  });

  test("from the document", () => {
    const locale = setLocaleFromDocument({ documentElement: { lang: "zh-hans" } } as unknown as Document);
    assert.equal(locale, "zh");
    assert.equal(messages(), zh);
  });
});

describe("the page's words in Chinese", () => {
  test("counter, chip, typing and announcements", () => {
    withLocale("zh", () => {
      assert.equal(counterText(3600), "3,600 / 4,000 字");
      const emotion = {
        group: "sadness",
        sentiment: "negative",
        labels: [
          { label: "sadness", score: 0.81 },
          { label: "grief", score: 0.4 },
          { label: "unheard_of", score: 0.1 },
        ],
      };
      assert.equal(emotionLabel(emotion), "识别到的情绪：难过");
      // A label the catalogue does not know keeps the model's word.
      assert.equal(emotionTitle(emotion), "难过 0.81，悲伤 0.40，unheard_of 0.10");
      assert.equal(
        crisisAnnouncement("imminent", true),
        "你不必独自面对这一切。求助热线显示在对话的最上方。如果你现在有危险，请马上拨打当地的紧急电话。",
      );
    });
  });

  test("dates and numbers are formatted as Chinese", () => {
    withLocale("zh", () => {
      const utc = new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
      assert.equal(dateText("2026-11-21T14:02:00Z", utc), "2026年11月21日 14:02");
      assert.equal(accessText({ at: "2026-11-21T14:02:00Z", role: "moderator" }, utc), "一位审核员看过 · 2026年11月21日 14:02");
      assert.match(dateText("2026-11-21T14:02:00Z"), /2026年11月21日/);
      assert.equal(dayText("2026-11-03"), "11月3日周二");
      assert.match(historyDate("2026-11-01T10:00:00", new Date(2026, 10, 21)), /^2026年11月1日$/);
      assert.equal(feelingCountText(1234), "1,234 条消息");
      assert.equal(leaningText(0.5), "偏轻松");
    });
  });

  test("a history row's name", () => {
    withLocale("zh", () => {
      const item = {
        id: "c1",
        created_at: "",
        last_activity_at: "",
        title: null,
        message_count: 0,
        mood: "sadness",
        current: true,
      };
      assert.equal(historyLabel(item, "14:02"), "还没有写任何内容，14:02，心情：难过，当前对话");
    });
  });

  test("helpline links name the server's helpline as it is", () => {
    withLocale("zh", () => {
      const [call, text, web] = resourceActions({
        name: "Crisis Text Line",
        phone: "988",
        sms: "741741",
        sms_body: "HOME",
        url: "https://example.org",
        hours: null,
        country: "US",
      });
      assert.equal(call!.text, "拨打 988");
      assert.equal(call!.label, "拨打 988（Crisis Text Line）");
      assert.equal(text!.text, "发送“HOME”到 741741");
      assert.equal(web!.label, "访问网站（Crisis Text Line，在新标签页中打开）");
    });
  });
});
