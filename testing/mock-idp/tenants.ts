// The mock's tenants and their users, and the JSON file the demo keeps them in
// (DATA_DIR/mock-idp-tenants.json).
import { readFileSync } from "node:fs";

export type MockIdpUser = {
  userName: string;
  name: string;
  role: "admin" | "user";
  orgCode: string;
  organizationName?: string;
  email?: string;
  mobile?: string;
  password?: string;
};

export type MockIdpTenant = { tenantId: string; clientId: string; clientSecret: string; projectName?: string; users: MockIdpUser[] };

/** Reads a JSON array of MockIdpTenant, refusing (with the file and entry named) anything else. */
export function loadMockIdpTenants(file: string): MockIdpTenant[] {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(parsed)) throw new Error(`mock-idp: ${file} must hold a JSON array of tenants`);
  return parsed.map((entry, i) => {
    const problem = tenantProblem(entry);
    if (problem) throw new Error(`mock-idp: ${file} tenant #${i}: ${problem}`);
    return entry as MockIdpTenant;
  });
}

function tenantProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return "not an object";
  for (const key of ["tenantId", "clientId", "clientSecret"]) if (!isNonEmptyString(entry[key])) return `${key} must be a non-empty string`;
  if (entry.projectName !== undefined && typeof entry.projectName !== "string") return "projectName must be a string";
  if (!Array.isArray(entry.users)) return "users must be an array";
  for (const [j, user] of entry.users.entries()) {
    const userProblem = userProblemOf(user);
    if (userProblem) return `user #${j}: ${userProblem}`;
  }
  return undefined;
}

function userProblemOf(user: unknown): string | undefined {
  if (!isRecord(user)) return "not an object";
  for (const key of ["userName", "name", "orgCode"]) if (!isNonEmptyString(user[key])) return `${key} must be a non-empty string`;
  if (user.role !== "admin" && user.role !== "user") return 'role must be "admin" or "user"';
  for (const key of ["organizationName", "email", "mobile", "password"])
    if (user[key] !== undefined && typeof user[key] !== "string") return `${key} must be a string`;
  return undefined;
}

export function findUser(tenant: MockIdpTenant, userName: string): MockIdpUser | undefined {
  return tenant.users.find((u) => u.userName === userName);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
