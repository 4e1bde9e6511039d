// The catalogs agree: every key of one language is in the other, every
// message parses as ICU with the same arguments, and Chinese messages are
// Chinese (not English left behind). Also the language negotiation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { DEFAULT_LOCALE, isTimeZone, negotiateLocale } from "@/lib/i18n/config";
import { CATALOGS } from "@/lib/i18n/messages";
import { localeOf, timeZoneOf } from "@/lib/i18n/negotiate";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) into.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(e.value);
      for (const option of Object.values(e.options)) argumentsOf(option.value, into);
    }
    if (e.type === TYPE.tag) argumentsOf(e.children, into);
  }
  return into;
}

const en = flatten(CATALOGS.en as unknown as Tree);
const zh = flatten(CATALOGS["zh-CN"] as unknown as Tree);

test("both catalogs have the same keys", () => {
  assert.deepEqual(
    [...en.keys()].filter((k) => !zh.has(k)),
    [],
    "keys missing in zh-CN",
  );
  assert.deepEqual(
    [...zh.keys()].filter((k) => !en.has(k)),
    [],
    "keys missing in en",
  );
});

test("every message parses and uses the same arguments in both languages", () => {
  for (const [key, text] of en) {
    const enArgs = [...argumentsOf(parse(text))].sort();
    const zhArgs = [...argumentsOf(parse(zh.get(key) ?? ""))].sort();
    assert.deepEqual(zhArgs, enArgs, `arguments of ${key}`);
  }
});

test("Chinese messages are in Chinese, apart from names, codes and symbols", () => {
  // A message may be all code, name or punctuation (MERCHANT_WEBHOOK_URL, webhook-id, a URL, #, "{from} → {to}", "；"):
  // no letters outside identifiers.
  const isIdentifierOnly = (text: string) => /^[\sA-Za-z0-9_.:/#{}\-–—→，；：]*$/.test(text) && !/[a-z]{3,} [a-z]{3,}/.test(text);
  const english = [...zh].filter(([, text]) => !/\p{Script=Han}/u.test(text) && !isIdentifierOnly(text));
  assert.deepEqual(english, []);
});

test("the language: the user's choice, else the browser's, else Chinese", () => {
  const jar = (values: Record<string, string>) => ({ get: (name: string) => (name in values ? { value: values[name]! } : undefined) });
  assert.equal(localeOf(jar({}), null), DEFAULT_LOCALE);
  assert.equal(DEFAULT_LOCALE, "zh-CN");
  assert.equal(localeOf(jar({}), "en-US,en;q=0.9"), "en");
  assert.equal(localeOf(jar({}), "zh-TW,zh;q=0.9,en;q=0.5"), "zh-CN");
  assert.equal(localeOf(jar({}), "fr-FR,de;q=0.8"), "zh-CN");
  assert.equal(localeOf(jar({}), "de;q=0.9,en;q=0.8"), "en");
  assert.equal(localeOf(jar({}), "***, ;;"), "zh-CN", "garbage is the default");
  assert.equal(localeOf(jar({ NEXT_LOCALE: "en" }), "zh-CN"), "en", "the choice wins over the header");
  assert.equal(localeOf(jar({ NEXT_LOCALE: "xx" }), "en"), "en", "an unknown choice is ignored");
  assert.equal(negotiateLocale(["zh-Hans-CN"]), "zh-CN");
});

test("the time zone: the user's choice when valid, else the portal's", () => {
  const jar = (value?: string) => ({ get: () => (value === undefined ? undefined : { value }) });
  assert.equal(timeZoneOf(jar(), "Asia/Shanghai"), "Asia/Shanghai");
  assert.equal(timeZoneOf(jar("Europe/Berlin"), "Asia/Shanghai"), "Europe/Berlin");
  assert.equal(timeZoneOf(jar("Mars/Olympus"), "Asia/Shanghai"), "Asia/Shanghai");
  assert.equal(isTimeZone("UTC"), true);
  assert.equal(isTimeZone(""), false);
});
