// The first staff account, made on start so a fresh portal can be signed into:
// from PORTAL_OWNER_EMAIL/PORTAL_OWNER_PASSWORD, or in demo mode three local
// demo accounts. Only ever when no staff account exists: changing the variables
// later changes nothing (use scripts/staff-cli.ts). Safe when two app
// instances start together: the email is unique and the loser's insert is ignored.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { EnvError } from "@/lib/env";
import { PortalError } from "@/lib/errors";
import type { StaffRole } from "@/lib/generated/prisma/enums";
import { createStaffUser } from "@/lib/staff/manage-staff";
import { checkPasswordStrength } from "@/lib/staff/password";

/** The part of Env this needs (Env itself fits). */
export type FirstOwnerEnv = { auth: { owner?: { email: string; password: string } }; isDemo: boolean; dataDir: string };

export type EnsureFirstOwnerResult =
  | { action: "none"; reason: "staff-exists" | "not-configured" }
  | { action: "owner-created"; email: string }
  | { action: "demo-created"; file: string; accounts: { email: string; role: StaffRole }[] };

export const DEMO_STAFF_FILE = "demo-staff.json";

const DEMO_ACCOUNTS: { email: string; name: string; role: StaffRole }[] = [
  { email: "owner@demo.local", name: "Demo Owner", role: "OWNER" },
  { email: "operator@demo.local", name: "Demo Operator", role: "OPERATOR" },
  { email: "viewer@demo.local", name: "Demo Viewer", role: "VIEWER" },
];

const demoFileSchema = z.object({ accounts: z.array(z.object({ email: z.string(), role: z.string(), password: z.string() })) });

/** 144 random bits as four dash-separated groups: easy to copy, always passes the strength check. */
function generateDemoPassword(): string {
  return randomBytes(18).toString("base64url").match(/.{6}/g)!.join("-");
}

function isConflict(error: unknown): boolean {
  return error instanceof PortalError && error.code === "conflict";
}

/**
 * The demo passwords, from DATA_DIR/demo-staff.json when it exists (restarts
 * and a reset database keep them), else generated and written there (0600).
 * The file is created exclusively, so two processes sharing DATA_DIR agree.
 */
function loadDemoPasswords(file: string): Map<string, string> {
  const read = (): Map<string, string> | undefined => {
    try {
      const parsed = demoFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (!parsed.success) return undefined;
      const passwords = new Map(parsed.data.accounts.map((a) => [a.email, a.password]));
      return DEMO_ACCOUNTS.every((a) => checkPasswordStrength(passwords.get(a.email) ?? "") === undefined) ? passwords : undefined;
    } catch {
      return undefined;
    }
  };
  if (existsSync(file)) {
    const existing = read();
    if (existing) return existing;
  }
  const accounts = DEMO_ACCOUNTS.map((a) => ({ email: a.email, role: a.role, password: generateDemoPassword() }));
  const note = "Local demo staff accounts (PORTAL_DEMO=1 only). Delete this file to get new passwords on a fresh database.";
  const text = `${JSON.stringify({ note, accounts }, null, 2)}\n`;
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // A malformed file is replaced; otherwise "wx" loses to a file another process just wrote.
    writeFileSync(file, text, { mode: 0o600, flag: existsSync(file) ? "w" : "wx" });
  } catch (error) {
    const other = (error as { code?: string }).code === "EEXIST" ? read() : undefined;
    if (other) return other;
    throw error;
  }
  return new Map(accounts.map((a) => [a.email, a.password]));
}

export async function ensureFirstOwner(env: FirstOwnerEnv): Promise<EnsureFirstOwnerResult> {
  const db = await getDb();
  if ((await db.staffUser.count()) > 0) return { action: "none", reason: "staff-exists" };

  const owner = env.auth.owner;
  if (owner) {
    const weakness = checkPasswordStrength(owner.password);
    if (weakness) throw new EnvError(`PORTAL_OWNER_PASSWORD ${weakness}`);
    try {
      const created = await createStaffUser({ email: owner.email, name: "Owner", role: "OWNER", password: owner.password });
      return { action: "owner-created", email: created.email };
    } catch (error) {
      if (isConflict(error)) return { action: "none", reason: "staff-exists" };
      throw error;
    }
  }

  if (!env.isDemo) return { action: "none", reason: "not-configured" };

  const file = path.join(env.dataDir, DEMO_STAFF_FILE);
  const passwords = loadDemoPasswords(file);
  const created: { email: string; role: StaffRole }[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const password = passwords.get(account.email)!;
    try {
      await createStaffUser({ ...account, password });
    } catch (error) {
      if (isConflict(error)) continue;
      throw error;
    }
    created.push({ email: account.email, role: account.role });
    // Passwords never reach the log, not even generated demo ones: they are in the 0600 file.
    console.log(`[demo] staff account ${account.email} (${account.role})`);
  }
  if (!created.length) return { action: "none", reason: "staff-exists" };
  console.log(`[demo] their passwords are in ${file}`);
  return { action: "demo-created", file, accounts: created };
}
