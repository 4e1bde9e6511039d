// The portal in both languages, walked in Chromium: a browser asking for
// Chinese (Accept-Language zh-CN) gets every main page in Chinese, with no
// English catalog text left and no missing key; the switcher turns it to
// English and the choice is remembered; times are shown in Beijing time, or
// in the zone the user picks. Each page is checked with axe and saved as a
// screenshot in both languages under e2e/output/screenshots.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import type { Messages } from "../../lib/i18n/messages";
import { callV2, newOrder, v2Purchase } from "../fixtures/koogallery";
import { createTenant, expect, expectAccessible, fromPortalPage, signInAsStaff, test, type TestTenant } from "./fixtures";

const SHOTS = path.resolve(import.meta.dirname, "..", "output", "screenshots");
const MESSAGES = path.resolve(import.meta.dirname, "..", "..", "lib", "i18n", "messages");

/** The catalogs as the portal loads them (lib/i18n/messages/index.ts), read from their files: Playwright's loader takes no JSON modules. */
function catalog(locale: "zh-CN" | "en"): Messages {
  const dir = path.join(MESSAGES, locale);
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  return Object.fromEntries(files.map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(path.join(dir, f), "utf8")) as unknown])) as Messages;
}
const CATALOGS = { en: catalog("en"), "zh-CN": catalog("zh-CN") };

type Ids = { eventId: string; instanceId: string; tenantRowId: string; logId: string };
type PageCase = { name: string; path: (ids: Ids) => string; zhHeading: string | RegExp; enHeading: string | RegExp };

/** The main pages, each with the first-level heading it shows in each language (or the data it names). */
const PAGES: PageCase[] = [
  { name: "dashboard", path: () => "/portal", zhHeading: CATALOGS["zh-CN"].dashboard.title, enHeading: CATALOGS.en.dashboard.title },
  { name: "tenants", path: () => "/portal/tenants", zhHeading: CATALOGS["zh-CN"].tenants.title, enHeading: CATALOGS.en.tenants.title },
  { name: "tenant", path: ({ tenantRowId }) => `/portal/tenants/${tenantRowId}`, zhHeading: /\S/, enHeading: /\S/ },
  { name: "instances", path: () => "/portal/instances", zhHeading: CATALOGS["zh-CN"].instances.title, enHeading: CATALOGS.en.instances.title },
  { name: "instance", path: ({ instanceId }) => `/portal/instances/${instanceId}`, zhHeading: /[0-9a-f-]{36}/, enHeading: /[0-9a-f-]{36}/ },
  { name: "callbacks", path: () => "/portal/callbacks", zhHeading: CATALOGS["zh-CN"].callbacks.title, enHeading: CATALOGS.en.callbacks.title },
  { name: "callback", path: ({ logId }) => `/portal/callbacks/${logId}`, zhHeading: /\S/, enHeading: /\S/ },
  { name: "events", path: () => "/portal/events", zhHeading: CATALOGS["zh-CN"].events.title, enHeading: CATALOGS.en.events.title },
  { name: "audit", path: () => "/portal/audit", zhHeading: CATALOGS["zh-CN"].audit.heading, enHeading: CATALOGS.en.audit.heading },
  { name: "event", path: ({ eventId }) => `/portal/events/${eventId}`, zhHeading: /instance\.created/, enHeading: /instance\.created/ },
  { name: "webhooks", path: () => "/portal/webhooks", zhHeading: CATALOGS["zh-CN"].events.title, enHeading: CATALOGS.en.events.title },
  { name: "settings", path: () => "/portal/settings", zhHeading: CATALOGS["zh-CN"].settings.title, enHeading: CATALOGS.en.settings.title },
  { name: "staff", path: () => "/portal/staff", zhHeading: CATALOGS["zh-CN"].staff.title, enHeading: CATALOGS.en.staff.title },
  { name: "alerts", path: () => "/portal/alerts", zhHeading: CATALOGS["zh-CN"].alerts.title, enHeading: CATALOGS.en.alerts.title },
  { name: "alert-channels", path: () => "/portal/alerts/channels", zhHeading: CATALOGS["zh-CN"].alerts.title, enHeading: CATALOGS.en.alerts.title },
  { name: "alert-rules", path: () => "/portal/alerts/rules", zhHeading: CATALOGS["zh-CN"].alerts.title, enHeading: CATALOGS.en.alerts.title },
];

type Tree = { [key: string]: string | Tree };

/** Every English message's fixed text of two words or more (arguments cut out), to find English left on a Chinese page. */
function englishPhrases(tree: Tree, out: string[] = []): string[] {
  for (const value of Object.values(tree)) {
    if (typeof value !== "string") {
      englishPhrases(value, out);
      continue;
    }
    for (const part of value.split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/)) {
      const phrase = part.replace(/[.…:()"]+/g, " ").trim();
      if (/^[A-Za-z][A-Za-z' ,-]*[A-Za-z]$/.test(phrase) && phrase.split(/\s+/).length >= 2) out.push(phrase);
    }
  }
  return out;
}

const ENGLISH = [...new Set(englishPhrases(CATALOGS.en as unknown as Tree))];
const NAMESPACES = Object.keys(CATALOGS.en).join("|");

async function checkLanguage(page: Page, locale: "zh-CN" | "en", name: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  // Text written by other systems, marked data-i18n="server-text" (a channel's refusal, the text of an alert from before
  // alerts kept their parameters), is left out of the check; everything else on the page must come from the catalogs.
  const text = await page.locator("body").evaluate((body) => {
    const copy = body.cloneNode(true) as HTMLElement;
    for (const e of copy.querySelectorAll('[data-i18n="server-text"]')) e.remove();
    document.body.append(copy);
    copy.style.position = "absolute";
    const visible = copy.innerText;
    copy.remove();
    return visible;
  });
  // A missing key renders as its path ("events.list.heading").
  expect(text, `${name}: a message key shown instead of its text`).not.toMatch(new RegExp(`\\b(${NAMESPACES})\\.[a-zA-Z]+(\\.[a-zA-Z]+)*\\b`));
  if (locale === "zh-CN") {
    expect(text, `${name}: Chinese text`).toMatch(/\p{Script=Han}/u);
    const left = ENGLISH.filter((phrase) => text.includes(phrase));
    expect(left, `${name}: English left on the Chinese page`).toEqual([]);
  }
  expect(await page.locator("html").getAttribute("lang")).toBe(locale);
  // Each page names itself in the tab: "<page> · <portal>" (the layout's title template), in the page's language.
  const title = await page.title();
  expect(title, `${name}: a title of its own`).toMatch(/^.+ · .+$/);
  if (locale === "zh-CN") expect(title, `${name}: a Chinese title`).toMatch(/\p{Script=Han}/u);
  await page.screenshot({ path: path.join(SHOTS, `${locale}-${name}.png`), fullPage: true });
  await expectAccessible(page, `${name} (${locale})`);
}

let tenant: TestTenant;
let ids: Ids;
let staffState: Awaited<ReturnType<BrowserContext["storageState"]>>;

test.beforeAll(async ({ world, browser }) => {
  tenant = await createTenant(world, { users: [{ userName: "li", name: "李雷", role: "admin", orgCode: "100" }] });
  const order = newOrder();
  const answer = await callV2(world.portal, v2Purchase(order, { customerId: "cust-i18n", customerName: "示例科技有限公司" }));
  expect(answer.json.resultCode).toBe("000000");
  const context = await browser.newContext({ baseURL: world.portal.baseUrl, locale: "en-US" });
  const staff = await context.newPage();
  await signInAsStaff(staff, world.owner.email, world.owner.password);
  const first = async (url: string) => ((await (await staff.request.get(url)).json()) as { items: Array<{ id: string }> }).items[0]?.id ?? "";
  ids = {
    instanceId: String(answer.json.instanceId),
    eventId: await first(`/api/portal/events?type=instance.created&subjectId=${answer.json.instanceId}`),
    tenantRowId: await first(`/api/portal/tenants?q=${tenant.tenantId}`),
    logId: await first(`/api/portal/callbacks?tenantId=${tenant.tenantId}&includeTest=1`),
  };
  expect(ids.eventId).toMatch(/^msg_/);
  // An alert on the alerts page, stored as the portal stores it (rule and parameters): it must read in each language.
  await world.portal.query(
    `INSERT INTO "Alert" (id, rule, "subjectKey", "windowKey", title, body, params, link, "firedAt")
     VALUES (gen_random_uuid()::text, 'job-dead', 'job:i18n-' || gen_random_uuid()::text, 'dead', 'as sent', 'as sent', $1::jsonb, $2, now())`,
    [
      JSON.stringify({
        kind: "fetch-order",
        jobId: "job-i18n",
        attempts: 20,
        about: "order",
        instanceId: "",
        orderId: "CS-I18N",
        error: "ETIMEDOUT",
        isFetchOrder: "yes",
      }),
      `${world.portal.baseUrl}/portal/settings`,
    ],
  );
  staffState = await context.storageState();
  await context.close();
});

/** A signed-in staff browser asking for `locale`, without any remembered choice. */
async function staffBrowser(
  browser: import("@playwright/test").Browser,
  baseURL: string,
  locale: string,
  colorScheme: "light" | "dark" = "light",
): Promise<Page> {
  const storageState = { ...staffState, cookies: staffState.cookies.filter((c) => c.name !== "NEXT_LOCALE" && c.name !== "PORTAL_TZ") };
  const context = await browser.newContext({ baseURL, locale, storageState, colorScheme });
  return context.newPage();
}

test("a browser asking for Chinese gets every main page in Chinese", async ({ world, browser }) => {
  const page = await staffBrowser(browser, world.portal.baseUrl, "zh-CN");
  for (const p of PAGES) {
    await page.goto(p.path(ids));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(p.zhHeading);
    if (p.name === "alerts") await expect(page.getByRole("heading", { name: /后台任务 fetch-order（订单 CS-I18N）在 20 次尝试后放弃/ })).toBeVisible();
    await checkLanguage(page, "zh-CN", p.name);
  }
  await page.context().close();
});

test("dark mode follows the system: every main page is dark and passes axe", async ({ world, browser }) => {
  const page = await staffBrowser(browser, world.portal.baseUrl, "zh-CN", "dark");
  /** The relative luminance of an element's computed background colour, 0 (black) to 1 (white). */
  const luminance = (selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((e) => {
        const canvas = document.createElement("canvas").getContext("2d")!;
        canvas.fillStyle = getComputedStyle(e).backgroundColor;
        canvas.fillRect(0, 0, 1, 1);
        const [r, g, b] = Array.from(canvas.getImageData(0, 0, 1, 1).data).map((v) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      });
  for (const p of PAGES) {
    await page.goto(p.path(ids));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(p.zhHeading);
    expect(await luminance("body"), `${p.name}: a dark page`).toBeLessThan(0.05);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: path.join(SHOTS, `dark-zh-CN-${p.name}.png`), fullPage: true });
    await expectAccessible(page, `${p.name} (dark)`);
  }
  await page.context().close();
});

test("a refusal from the portal's API is worded in the requester's language", async ({ world, browser }) => {
  const page = await staffBrowser(browser, world.portal.baseUrl, "zh-CN");
  await page.goto("/portal");
  const refuse = async (language: string) => {
    const res = await page.request.patch("/api/portal/staff", {
      data: { email: "nobody-here@example.com", role: "viewer" },
      headers: { ...fromPortalPage(page), "accept-language": language },
    });
    expect(res.status()).toBe(404);
    return ((await res.json()) as { error: { message: string } }).error.message;
  };
  expect(await refuse("zh-CN")).toBe(CATALOGS["zh-CN"].apiErrors.staffNotFound);
  expect(await refuse("en")).toBe(CATALOGS.en.apiErrors.staffNotFound);
  await page.context().close();
});

test("the switcher turns the portal to English and the choice is remembered", async ({ world, browser }) => {
  const page = await staffBrowser(browser, world.portal.baseUrl, "zh-CN");
  await page.goto("/portal/events");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CATALOGS["zh-CN"].events.title);
  await page.getByLabel(CATALOGS["zh-CN"].common.preferences.language).selectOption("en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CATALOGS.en.events.title);
  for (const p of PAGES) {
    await page.goto(p.path(ids));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(p.enHeading);
    if (p.name === "alerts")
      await expect(page.getByRole("heading", { name: "Background job fetch-order for order CS-I18N gave up after 20 attempts" })).toBeVisible();
    await checkLanguage(page, "en", p.name);
  }
  await page.getByLabel(CATALOGS.en.common.preferences.language).selectOption("zh-CN");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await page.context().close();
});

test("times are in Beijing time unless the user picks another zone", async ({ world, browser }) => {
  const page = await staffBrowser(browser, world.portal.baseUrl, "en-US");
  const event = (await (await page.request.get(`/api/portal/events/${ids.eventId}`)).json()) as { occurredAt: string };
  const clock = (zone: string) =>
    new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(
      new Date(event.occurredAt),
    );
  await page.goto(`/portal/events/${ids.eventId}`);
  const happened = page.locator("dd time").first();
  await expect(happened).toContainText(clock("Asia/Shanghai"));
  await expect(happened).toContainText("GMT+8");
  await page.getByLabel(CATALOGS.en.common.preferences.timeZone).selectOption("UTC");
  await expect(happened).toContainText(clock("UTC"));
  await expect(happened).toContainText("UTC");
  await page.reload();
  await expect(page.locator("dd time").first()).toContainText(clock("UTC"));
  await page.context().close();
});

test("the sign-in page follows the browser's language and switches before signing in", async ({ world, browser }) => {
  const context = await browser.newContext({ baseURL: world.portal.baseUrl, locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CATALOGS["zh-CN"].auth.login.heading);
  await checkLanguage(page, "zh-CN", "login");
  await page.getByLabel(CATALOGS["zh-CN"].common.preferences.language).selectOption("en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CATALOGS.en.auth.login.heading);
  await checkLanguage(page, "en", "login");
  await context.close();
});
