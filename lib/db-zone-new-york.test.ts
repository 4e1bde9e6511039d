// The app on a database whose default time zone is America/New_York (UTC-5/-4).
// Before every session ran in UTC, a job there was due hours late and a nonce
// stamped by its column default looked hours old, so housekeeping pruned it
// inside the replay window. The checks are shared with the other zone:
// testing/support/session-zone-checks.ts.
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const ZONE = "America/New_York";
const database = await prepareInProcessDatabase("kg-zone-new-york", { KOOGALLERY_ACCESS_KEY: "zone-test-basic-key-0123456789" }, { timeZone: ZONE });
const { describeSessionZoneChecks } = await import("@/testing/support/session-zone-checks");

describeSessionZoneChecks(database, ZONE);
