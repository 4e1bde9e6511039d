// The app on a database whose default time zone is Asia/Shanghai (UTC+8).
// Before every session ran in UTC, a job was due eight hours early there: a
// failed provisioning job was claimed again at once instead of backing off.
// The checks are shared with the other zone: testing/support/session-zone-checks.ts.
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const ZONE = "Asia/Shanghai";
const database = await prepareInProcessDatabase("kg-zone-shanghai", { KOOGALLERY_ACCESS_KEY: "zone-test-basic-key-0123456789" }, { timeZone: ZONE });
const { describeSessionZoneChecks } = await import("@/testing/support/session-zone-checks");

describeSessionZoneChecks(database, ZONE);
