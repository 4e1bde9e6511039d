// npx tsx scripts/staff-cli.ts <create|list|set-password|set-role|disable|enable> [--email x] [--name y] [--role owner|operator|viewer]
// Manages merchant staff accounts directly in the database (DATABASE_URL, or
// the embedded PGlite under DATA_DIR: stop a PGlite portal first). Applies
// pending migrations first. The password never comes from the command line
// (shell history, ps): PORTAL_STAFF_PASSWORD, else a hidden prompt on a
// terminal, else the first line of piped stdin. Nothing secret is printed.
import { userInfo } from "node:os";
import { withAuditActor } from "../lib/audit/record-audit";
import { closeDb, getRawSql } from "../lib/db";
import { describeError, PortalError } from "../lib/errors";
import { applyMigrations } from "../lib/migrations";
import {
  createStaffUser,
  disableStaffUser,
  enableStaffUser,
  listStaffUsers,
  setStaffPassword,
  setStaffRole,
  type StaffSummary,
} from "../lib/staff/manage-staff";

const USAGE = "usage: npx tsx scripts/staff-cli.ts <create|list|set-password|set-role|disable|enable> [--email x] [--name y] [--role owner|operator|viewer]";
const COMMANDS = ["create", "list", "set-password", "set-role", "disable", "enable"] as const;
type Command = (typeof COMMANDS)[number];
const REQUIRED: Record<Command, string[]> = {
  create: ["email", "role"],
  list: [],
  "set-password": ["email"],
  "set-role": ["email", "role"],
  disable: ["email"],
  enable: ["email"],
};

function usage(message?: string): never {
  if (message) console.error(message);
  console.error(USAGE);
  console.error("the password comes from PORTAL_STAFF_PASSWORD, a hidden prompt, or piped stdin");
  process.exit(2);
}

function parseArgs(argv: string[]): { command: Command; opts: Record<string, string> } {
  const [command, ...rest] = argv;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) usage(command ? `unknown command: ${command}` : undefined);
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--(email|name|role)(?:=(.*))?$/s.exec(rest[i]!);
    if (!m) usage(`unknown argument: ${rest[i]}`);
    const value = m[2] ?? rest[++i];
    if (value === undefined) usage(`--${m[1]} needs a value`);
    opts[m[1]!] = value;
  }
  // Checked before the database is opened.
  for (const name of REQUIRED[command as Command]) if (!opts[name]?.trim()) usage(`--${name} is required for ${command}`);
  return { command: command as Command, opts };
}

function required(opts: Record<string, string>, name: string): string {
  return opts[name]!.trim(); // presence checked by parseArgs
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve) => {
    let value = "";
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.resume();
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          stdin.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.PORTAL_STAFF_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) {
    const first = await promptHidden("Password: ");
    const again = await promptHidden("Password again: ");
    if (first !== again) throw new PortalError("bad_request", "the two passwords differ");
    return first;
  }
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk as string;
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  if (!line) throw new PortalError("bad_request", "no password: set PORTAL_STAFF_PASSWORD, type it at the prompt, or pipe it on stdin");
  return line;
}

function describe(s: StaffSummary): string {
  return `${s.email} (${s.role}${s.disabledAt ? ", disabled" : ""})`;
}

function printTable(rows: StaffSummary[]): void {
  if (!rows.length) {
    console.log("no staff accounts");
    return;
  }
  const table = rows.map((s) => [s.email, s.name, s.role, s.disabledAt ? "disabled" : "active", s.lastSignInAt?.toISOString() ?? "never"]);
  const header = ["EMAIL", "NAME", "ROLE", "STATUS", "LAST SIGN-IN"];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  for (const row of [header, ...table])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
}

/** The operating-system account, or "unknown" where it has none (a container's bare uid). */
function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

async function run(command: Command, opts: Record<string, string>): Promise<void> {
  switch (command) {
    case "list":
      printTable(await listStaffUsers());
      return;
    case "create": {
      const email = required(opts, "email");
      const role = required(opts, "role");
      const name = opts.name?.trim() || email.split("@")[0]!;
      const created = await createStaffUser({ email, name, role, password: await readPassword() });
      console.log(`created ${describe(created)}`);
      return;
    }
    case "set-password": {
      const email = required(opts, "email");
      console.log(`password changed for ${describe(await setStaffPassword(email, await readPassword()))}`);
      return;
    }
    case "set-role":
      console.log(`role set: ${describe(await setStaffRole(required(opts, "email"), required(opts, "role")))}`);
      return;
    case "disable":
      console.log(`disabled: ${describe(await disableStaffUser(required(opts, "email")))}`);
      return;
    case "enable":
      console.log(`enabled: ${describe(await enableStaffUser(required(opts, "email")))}`);
      return;
  }
}

const { command, opts } = parseArgs(process.argv.slice(2));
// Only the database is used: like scripts/migrate.ts, let the environment check pass without callback keys.
process.env.KOOGALLERY_ACCESS_KEY ??= "staff-cli-only";
process.env.PORTAL_ENCRYPTION_KEY ??= "0".repeat(64);

let exitCode = 0;
try {
  const applied = await applyMigrations(await getRawSql());
  if (applied.length) console.error(`applied migrations: ${applied.join(", ")}`);
  // Audit entries of these changes name the operating-system account that ran the command.
  await withAuditActor({ actor: `cli:${osUserName()}`, ip: null }, () => run(command, opts));
} catch (error) {
  console.error(`staff-cli: ${error instanceof PortalError ? error.message : describeError(error)}`);
  exitCode = 1;
} finally {
  await closeDb().catch(() => undefined);
}
process.exit(exitCode);
