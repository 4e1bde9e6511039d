// applicationSync (protocol:kit-interface.md#applicationsync, protocol:encryption.md#rsa-clientsecret): a tenant's app credential (appId,
// clientId, clientSecret) added (flag 1), changed (2) or removed (0). The
// secret arrives RSA-OAEP-encrypted with our public key; it is decrypted
// before anything is written (an undecryptable one writes nothing and is
// answered 000101, as the official demo does) and stored sealed with
// PORTAL_ENCRYPTION_KEY. Deleting is soft and succeeds when there is nothing
// to delete. A sync that changed the credential tells the merchant
// application.synced (app and client ids, never the secret); a repeat sends nothing.
import { lockRows } from "@/lib/sql/lock-rows";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { CallbackError } from "@/lib/errors";
import { kitEvent, syncActionOf } from "@/lib/events/kit-events";
import { writeEvents } from "@/lib/events/outbox";
import type { Env } from "@/lib/env";
import { KooGalleryCryptoError } from "@/lib/koogallery/errors";
import { KIT_APP_SECRET_INVALID, ResultCode, defaultResultMessages } from "@/lib/koogallery/result-codes";
import { decryptClientSecret, type DecryptedClientSecret } from "@/lib/koogallery/rsa-oaep";
import type { KitRequest } from "@/lib/koogallery/schemas";
import { ensureTenantRow, findTenantRow } from "@/lib/tenants/ensure-tenant";
import { claimKitSync, skippedKitOutcome } from "@/lib/tenants/sync-watermark";
import { instanceKeyOf, isKitTest, kitLinks, zeroCountsOf, type KitContext, type KitOutcome } from "@/lib/tenants/types";

type ApplicationSyncRequest = KitRequest<"applicationSync">;

const APP_COUNTS = ["added", "updated", "restored", "deleted", "unchanged"] as const;

function refuseSecret(why: string): CallbackError {
  return new CallbackError(KIT_APP_SECRET_INVALID.resultCode, KIT_APP_SECRET_INVALID.resultMsg, `clientSecret refused: ${why}`);
}

/** The plaintext and the OAEP variant that opened it; the errors say why, never what. */
function decryptSecret(env: Env, ciphertext: string | null | undefined): DecryptedClientSecret {
  if (!ciphertext) throw new CallbackError(ResultCode.INVALID_PARAMS, "clientSecret is required");
  if (!env.rsaPrivateKeyPem) throw refuseSecret("no RSA private key is configured (KOOGALLERY_RSA_PRIVATE_KEY_FILE)");
  try {
    return decryptClientSecret(ciphertext, env.rsaPrivateKeyPem);
  } catch (error) {
    // The library's messages never carry keys, ciphertexts or plaintexts.
    if (error instanceof KooGalleryCryptoError) throw refuseSecret(`${error.code}: ${error.message}`);
    throw refuseSecret("decryption failed");
  }
}

/** Whether the stored sealed secret opens to `plaintext` (false when it cannot be opened, e.g. after a key change). */
function isSameSecret(sealed: string | null, plaintext: string, key: Buffer): boolean {
  if (!sealed) return false;
  try {
    return openSecret(sealed, key) === plaintext;
  } catch {
    return false;
  }
}

export async function syncApplication(ctx: KitContext, req: ApplicationSyncRequest): Promise<KitOutcome> {
  const { tx, env } = ctx;
  const instanceKey = instanceKeyOf(req.instanceId);
  const isTest = isKitTest(req);
  const counts = zeroCountsOf(APP_COUNTS);
  const app = `app ${JSON.stringify(req.appId)}`;
  let tenantRowId: string | undefined;
  let note: string;
  // Per app: an older sync of it delivered late is skipped (ADR 0006).
  const order = await claimKitSync(ctx, { tenantId: req.tenantId, instanceKey, kind: "applicationSync" }, req.appId, app, req.timeStamp);
  if (order.isStale) return skippedKitOutcome(req, `applicationSync flag ${req.flag}: ${order.note}`);

  if (req.flag === 0) {
    const tenant = await findTenantRow(tx, req.tenantId, instanceKey);
    if (!tenant) {
      note = `tenant not known: nothing to delete for ${app}`;
    } else {
      tenantRowId = tenant.id;
      const { count } = await tx.tenantApp.updateMany({
        where: { tenantRowId: tenant.id, appId: req.appId, deletedAt: null },
        data: { deletedAt: new Date() },
      });
      counts.deleted = count;
      counts.unchanged = 1 - count;
      note = count ? `${app} marked deleted` : `${app} absent or already deleted`;
    }
  } else {
    const secret = decryptSecret(env, req.clientSecret);
    const tenant = await ensureTenantRow(tx, req.tenantId, instanceKey, isTest);
    tenantRowId = tenant.id;
    const fields = { clientId: req.clientId, clientSecretEnc: sealSecret(secret.plaintext, env.encryptionKey), oaepVariant: secret.variant, isTest };
    const created = await tx.tenantApp.createMany({ data: [{ tenantRowId: tenant.id, appId: req.appId, ...fields }], skipDuplicates: true });
    if (created.count === 1) {
      counts.added = 1;
      note = `${app} added`;
    } else {
      // Row lock: two syncs of the same app compare and write one after the other.
      await lockRows(tx, "TenantApp", { tenantRowId: tenant.id, appId: req.appId });
      const current = await tx.tenantApp.findUniqueOrThrow({
        where: { tenantRowId_appId: { tenantRowId: tenant.id, appId: req.appId } },
        select: { id: true, clientId: true, clientSecretEnc: true, oaepVariant: true, deletedAt: true },
      });
      const isSame =
        current.deletedAt === null &&
        current.clientId === req.clientId &&
        current.oaepVariant === secret.variant &&
        isSameSecret(current.clientSecretEnc, secret.plaintext, env.encryptionKey);
      if (isSame) {
        counts.unchanged = 1;
        note = `${app} already up to date`;
      } else {
        await tx.tenantApp.update({ where: { id: current.id }, data: { ...fields, deletedAt: null } });
        counts.restored = current.deletedAt ? 1 : 0;
        counts.updated = 1;
        note = current.deletedAt ? `deleted ${app} added again` : `${app} updated`;
      }
    }
    note += ` (clientSecret decrypted with OAEP ${secret.variant})`;
    if (tenant.deletedAt) note += " (tenant is marked deleted)";
  }

  if (tenantRowId) {
    await tx.syncEvent.create({ data: { tenantRowId, kind: "applicationSync", flag: req.flag, counts, isTest, callbackLogId: ctx.callbackLogId } });
    const action = syncActionOf(counts);
    if (action) {
      const stored = await tx.tenantApp.findUnique({ where: { tenantRowId_appId: { tenantRowId, appId: req.appId } }, select: { clientId: true } });
      const data = { action, appId: req.appId, clientId: stored?.clientId ?? null, isDeleted: action === "deleted" };
      await writeEvents(tx, [kitEvent("application.synced", req, isTest, data)]);
    }
  }
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: defaultResultMessages[ResultCode.SUCCESS],
    links: kitLinks(req),
    isTest,
    note: `applicationSync flag ${req.flag}: ${note}`,
    counts,
  };
}
