// App info as stored (password sealed) and as answered (password plain, only in memory).
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import type { Instance } from "@/lib/generated/prisma/client";
import type { AppInfo } from "@/lib/provisioning/adapters";

export function appInfoColumns(info: AppInfo, key: Buffer) {
  return {
    frontEndUrl: info.frontEndUrl,
    adminUrl: info.adminUrl ?? null,
    adminUserName: info.userName ?? null,
    adminPasswordEnc: info.password ? sealSecret(info.password, key) : null,
    memo: info.memo ?? null,
  };
}

type StoredAppInfo = Pick<Instance, "frontEndUrl" | "adminUrl" | "adminUserName" | "adminPasswordEnc" | "memo">;

export function readAppInfo(row: StoredAppInfo, key: Buffer): AppInfo | undefined {
  if (!row.frontEndUrl) return undefined;
  // Assigned in the documented field order (not conditional spreads: V8 builds those on a slow path; queryInstance runs this per call).
  const info: AppInfo = { frontEndUrl: row.frontEndUrl };
  if (row.adminUrl) info.adminUrl = row.adminUrl;
  if (row.adminUserName) info.userName = row.adminUserName;
  if (row.adminPasswordEnc) info.password = openSecret(row.adminPasswordEnc, key);
  if (row.memo) info.memo = row.memo;
  return info;
}
