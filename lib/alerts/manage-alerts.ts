// What the portal's alerts pages read and change: channels (owners add, edit,
// enable, delete and test them; secrets go in and never come out), rule
// settings, and the alerts with what was sent where. Staff only: alerts are
// about the merchant's own operations, not any tenant's data.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { PortalError } from "@/lib/errors";
import type { Alert, AlertChannel, DeliveryStatus } from "@/lib/generated/prisma/client";
import { redactText, secretValuesOf, toDisplayError } from "@/lib/portal/error-text";
import { generateWebhookSecret } from "@/lib/webhooks/standard-webhooks";
import {
  channelDetails,
  openChannel,
  parseChannelConfig,
  sealChannelConfig,
  sendToChannel,
  summarizeChannel,
  type ChannelDetails,
} from "@/lib/alerts/channel-config";
import { CHANNEL_KINDS, ChannelError, channelConfigSchemas, type ChannelKind, type OpenChannel } from "@/lib/alerts/channels/types";
import {
  ALERT_RULES,
  ALERT_RULE_NAMES,
  isAlertRuleName,
  readRuleSettings,
  type AlertRuleName,
  type RuleDefinition,
  type RuleThreshold,
} from "@/lib/alerts/rule-catalog";
import { renderAlert, testAlertText, type AlertParams, type Reader } from "@/lib/alerts/alert-text";
import { recordAudit } from "@/lib/audit/record-audit";

// ---------------------------------------------------------------- channels

export type ChannelView = {
  id: string;
  name: string;
  kind: ChannelKind;
  summary: string;
  /** The summary's parts, for pages to word in the viewer's language; null when the stored settings cannot be read. */
  details: ChannelDetails | null;
  isEnabled: boolean;
  isFromEnv: boolean;
  createdBy: string | null;
  createdAt: Date;
  lastMessage: { status: DeliveryStatus; at: Date; error: string | null } | null;
};

function detailsOf(row: AlertChannel, key: Buffer): ChannelDetails | null {
  try {
    return channelDetails(openChannel(row, key));
  } catch {
    return null;
  }
}

function viewOf(row: AlertChannel, key: Buffer, last: ChannelView["lastMessage"] = null): ChannelView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    summary: row.summary,
    details: detailsOf(row, key),
    isEnabled: row.isEnabled,
    isFromEnv: row.isFromEnv,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    lastMessage: last,
  };
}

export async function listAlertChannels(db: Db, env: Env): Promise<ChannelView[]> {
  const rows = await db.alertChannel.findMany({
    orderBy: [{ isFromEnv: "desc" }, { createdAt: "asc" }],
    include: { notifications: { orderBy: { createdAt: "desc" }, take: 1, select: { status: true, createdAt: true, sentAt: true, lastError: true } } },
  });
  const secrets = secretValuesOf(env);
  return rows.map(({ notifications: [last], ...row }) =>
    viewOf(
      row,
      env.encryptionKey,
      last ? { status: last.status, at: last.sentAt ?? last.createdAt, error: last.lastError ? toDisplayError(last.lastError, secrets) : null } : null,
    ),
  );
}

/** A channel as owners type it: the kind's settings (lib/alerts/channels/types.ts). */
export const newChannelSchema = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(CHANNEL_KINDS as [ChannelKind, ...ChannelKind[]]),
  config: z.record(z.string(), z.unknown()),
  isEnabled: z.boolean().default(true),
});

/** A change: a blank or absent setting keeps what is stored (secrets are never sent back to be edited). */
export const channelChangeSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  isEnabled: z.boolean().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

function parseConfigOrBadRequest<K extends ChannelKind>(kind: K, config: unknown): OpenChannel {
  const parsed = channelConfigSchemas[kind].safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PortalError("bad_request", `config.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  return { kind, config: parseChannelConfig(kind, parsed.data) } as OpenChannel;
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);

/** What the audit trail keeps of a channel change: its id, name and kind (never its settings, where its secrets are). */
function channelAudit(row: Pick<AlertChannel, "id" | "name" | "kind">, extra: Record<string, string[]> = {}) {
  return { subjectType: "alert-channel" as const, subjectId: row.id, detail: { name: row.name, kind: row.kind, ...extra } };
}

export type CreatedChannel = { channel: ChannelView; shownOnce?: { secret: string } };

/** A generic webhook without a secret gets one generated, shown once, so every webhook is signed. */
export async function createAlertChannel(db: Db, env: Env, input: z.infer<typeof newChannelSchema>, createdBy: string): Promise<CreatedChannel> {
  const config = Object.fromEntries(Object.entries(input.config).filter(([, v]) => !isBlank(v)));
  let shownOnce: CreatedChannel["shownOnce"];
  if (input.kind === "WEBHOOK" && !config.secret) {
    config.secret = generateWebhookSecret();
    shownOnce = { secret: config.secret as string };
  }
  const channel = parseConfigOrBadRequest(input.kind, config);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.alertChannel.create({
      data: {
        id: randomUUID(),
        name: input.name,
        kind: input.kind,
        configEnc: sealChannelConfig(channel, env.encryptionKey),
        summary: summarizeChannel(channel),
        isEnabled: input.isEnabled,
        createdBy,
      },
    });
    await recordAudit(tx, { action: "alert-channel.create", ...channelAudit(created) });
    return created;
  });
  return { channel: viewOf(row, env.encryptionKey), shownOnce };
}

async function channelOrNotFound(db: Db, id: string): Promise<AlertChannel> {
  const row = await db.alertChannel.findUnique({ where: { id } });
  if (!row) throw new PortalError("not_found", "no such alert channel", { key: "channelNotFound" });
  return row;
}

export async function updateAlertChannel(db: Db, env: Env, id: string, change: z.infer<typeof channelChangeSchema>): Promise<ChannelView> {
  const row = await channelOrNotFound(db, id);
  if (row.isFromEnv && (change.config !== undefined || change.name !== undefined)) {
    throw new PortalError("conflict", "this channel comes from the environment: change its variables and restart, or disable it here", {
      key: "channelFromEnv",
    });
  }
  const data: Partial<Pick<AlertChannel, "name" | "isEnabled" | "configEnc" | "summary">> = {};
  if (change.name !== undefined) data.name = change.name;
  if (change.isEnabled !== undefined) data.isEnabled = change.isEnabled;
  if (change.config) {
    const current = openChannel(row, env.encryptionKey).config as Record<string, unknown>;
    const typed = Object.fromEntries(Object.entries(change.config).filter(([, v]) => !isBlank(v)));
    const channel = parseConfigOrBadRequest(row.kind, { ...current, ...typed });
    data.configEnc = sealChannelConfig(channel, env.encryptionKey);
    data.summary = summarizeChannel(channel);
  }
  const updated = await db.$transaction(async (tx) => {
    const next = await tx.alertChannel.update({ where: { id }, data });
    await recordAudit(tx, { action: "alert-channel.update", ...channelAudit(next, { changed: Object.keys(change).sort() }) });
    return next;
  });
  return viewOf(updated, env.encryptionKey);
}

/** Deleting a channel deletes the record of what was sent through it; an environment channel is disabled instead. */
export async function deleteAlertChannel(db: Db, id: string): Promise<{ deleted: true }> {
  const row = await channelOrNotFound(db, id);
  if (row.isFromEnv)
    throw new PortalError("conflict", "this channel comes from the environment: remove its variables, or disable it here", { key: "channelFromEnvDelete" });
  await db.$transaction(async (tx) => {
    await tx.alertChannel.delete({ where: { id } });
    await recordAudit(tx, { action: "alert-channel.delete", ...channelAudit(row) });
  });
  return { deleted: true };
}

export type TestResult = { isOk: boolean; error: string | null; durationMs: number };

/** "Send test": one message now, not through the queue, so the owner sees at once whether the channel works. */
export async function sendTestAlert(db: Db, env: Env, id: string, by: string): Promise<TestResult> {
  const row = await channelOrNotFound(db, id);
  const started = performance.now();
  const now = new Date();
  try {
    await sendToChannel(openChannel(row, env.encryptionKey), {
      id: `test_${randomUUID()}`,
      kind: "test",
      alertId: "test",
      rule: "test",
      subjectKey: `channel:${row.id}`,
      ...testAlertText(row.name, by, env.alerts.locale),
      link: `${env.publicUrl}/portal/alerts/channels`,
      firedAt: now,
      resolvedAt: null,
      locale: env.alerts.locale,
    });
    await recordAudit(db, { action: "alert-channel.test", ...channelAudit(row) });
    return { isOk: true, error: null, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const text = error instanceof ChannelError ? error.message : "the channel's settings cannot be read";
    const result = { isOk: false, error: redactText(text, secretValuesOf(env)).slice(0, 500), durationMs: Math.round(performance.now() - started) };
    await recordAudit(db, { action: "alert-channel.test", outcome: "refused", reason: result.error, ...channelAudit(row) });
    return result;
  }
}

// ---------------------------------------------------------------- rules

export type RuleView = Omit<RuleDefinition, "threshold"> & {
  rule: AlertRuleName;
  /** What the threshold means and its bounds (null: the rule has none). */
  thresholdSpec: RuleThreshold | null;
  isEnabled: boolean;
  threshold: number | null;
  updatedBy: string | null;
};

export async function listAlertRules(db: Db): Promise<RuleView[]> {
  const [settings, rows] = await Promise.all([readRuleSettings(db), db.alertRuleSetting.findMany({ select: { rule: true, updatedBy: true } })]);
  const by = new Map(rows.map((r) => [r.rule, r.updatedBy]));
  return ALERT_RULE_NAMES.map((rule) => {
    const def: RuleDefinition = ALERT_RULES[rule];
    return {
      rule,
      label: def.label,
      description: def.description,
      isEnabledByDefault: def.isEnabledByDefault,
      canResolve: def.canResolve,
      thresholdSpec: def.threshold ?? null,
      isEnabled: settings[rule].isEnabled,
      threshold: settings[rule].threshold,
      updatedBy: by.get(rule) ?? null,
    };
  });
}

export const ruleChangeSchema = z.object({
  rule: z.string().max(64),
  isEnabled: z.boolean().optional(),
  threshold: z.number().int().optional(),
});

export async function updateAlertRule(db: Db, change: z.infer<typeof ruleChangeSchema>, by: string): Promise<RuleView[]> {
  if (!ALERT_RULE_NAMES.includes(change.rule as AlertRuleName)) throw new PortalError("bad_request", `unknown rule ${change.rule}`);
  const rule = change.rule as AlertRuleName;
  const def: RuleDefinition = ALERT_RULES[rule];
  if (change.threshold !== undefined) {
    if (!def.threshold) throw new PortalError("bad_request", `${rule} has no threshold`);
    if (change.threshold < def.threshold.min || change.threshold > def.threshold.max) {
      throw new PortalError("bad_request", `threshold must be between ${def.threshold.min} and ${def.threshold.max} ${def.threshold.unit}`);
    }
  }
  const current = (await readRuleSettings(db))[rule];
  const data = { isEnabled: change.isEnabled ?? current.isEnabled, threshold: change.threshold ?? current.threshold, updatedBy: by };
  await db.$transaction(async (tx) => {
    await tx.alertRuleSetting.upsert({ where: { rule }, create: { rule, ...data }, update: data });
    await recordAudit(tx, {
      action: "alert-rule.update",
      subjectType: "alert-rule",
      subjectId: rule,
      detail: { isEnabled: data.isEnabled, threshold: data.threshold, was: { isEnabled: current.isEnabled, threshold: current.threshold } },
    });
  });
  return listAlertRules(db);
}

// ---------------------------------------------------------------- alerts

export type AlertView = {
  id: string;
  rule: string;
  ruleLabel: string;
  subjectKey: string;
  title: string;
  body: string;
  /** Whether title and body are in the reader's language (false: as sent to the channels, an alert from before). */
  isRendered: boolean;
  link: string;
  firedAt: Date;
  resolvedAt: Date | null;
  notifications: {
    id: string;
    channelName: string;
    channelKind: ChannelKind;
    kind: string;
    status: DeliveryStatus;
    attempts: number;
    lastError: string | null;
    sentAt: Date | null;
    createdAt: Date;
  }[];
};

export const ALERTS_PAGE_SIZE = 50;

/**
 * The title and body in the reader's language and zone, rendered from the alert's parameters; an alert from
 * before they were kept (or without a reader) as it was sent to the channels.
 */
function textFor(a: Pick<Alert, "rule" | "title" | "body" | "params">, reader: Reader | undefined): { title: string; body: string; isRendered: boolean } {
  const params = a.params as AlertParams | null;
  if (!reader || !params || !isAlertRuleName(a.rule)) return { title: a.title, body: a.body, isRendered: false };
  return { ...renderAlert({ rule: a.rule, params }, reader), isRendered: true };
}

/** Newest first, in pages keyed by (firedAt, id); `status` open or resolved. */
export async function listAlerts(
  db: Db,
  env: Env,
  opts: { status?: "open" | "resolved"; cursor?: string; reader?: Reader } = {},
): Promise<{ items: AlertView[]; nextCursor: string | null }> {
  const [cursorAt, cursorId] = opts.cursor ? opts.cursor.split("|") : [];
  const cursorDate = cursorAt ? new Date(cursorAt) : undefined;
  if (cursorDate && Number.isNaN(cursorDate.getTime())) throw new PortalError("bad_request", "cursor is not one this list gave");
  const rows = await db.alert.findMany({
    where: {
      ...(opts.status === "open" ? { resolvedAt: null } : opts.status === "resolved" ? { resolvedAt: { not: null } } : {}),
      ...(cursorDate ? { OR: [{ firedAt: { lt: cursorDate } }, { firedAt: cursorDate, id: { lt: cursorId ?? "" } }] } : {}),
    },
    orderBy: [{ firedAt: "desc" }, { id: "desc" }],
    take: ALERTS_PAGE_SIZE + 1,
    include: { notifications: { orderBy: { createdAt: "asc" }, include: { channel: { select: { name: true, kind: true } } } } },
  });
  const secrets = secretValuesOf(env);
  const items = rows.slice(0, ALERTS_PAGE_SIZE).map((a) => ({
    id: a.id,
    rule: a.rule,
    ruleLabel: (ALERT_RULES as Record<string, RuleDefinition | undefined>)[a.rule]?.label ?? a.rule,
    subjectKey: a.subjectKey,
    ...textFor(a, opts.reader),
    link: a.link,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
    notifications: a.notifications.map((n) => ({
      id: n.id,
      channelName: n.channel.name,
      channelKind: n.channel.kind,
      kind: n.kind,
      status: n.status,
      attempts: n.attempts,
      lastError: n.lastError ? toDisplayError(n.lastError, secrets) : null,
      sentAt: n.sentAt,
      createdAt: n.createdAt,
    })),
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > ALERTS_PAGE_SIZE && last ? `${last.firedAt.toISOString()}|${last.id}` : null };
}
