import assert from "node:assert/strict";
import { test } from "node:test";
import { kitEndpointOf, kitRouteOf } from "./handle-kit-callback";

test("kitRouteOf recognises the V2 and V1 Kit paths and nothing else", () => {
  assert.deepEqual(kitRouteOf("/api/koogallery/saas/produceAPI/v2/tenantSync"), { generation: "V2", kitName: "tenantSync" });
  assert.deepEqual(kitRouteOf("/api/koogallery/saas/produceAPI/allOrgSync"), { generation: "V1", kitName: "allOrgSync" });
  assert.deepEqual(kitRouteOf("/api/koogallery/saas/produceAPI/v2/authSync/"), { generation: "V2", kitName: "authSync" });
  // Unknown names are routes too: the handler answers them 000002 and logs them.
  assert.deepEqual(kitRouteOf("/api/koogallery/saas/produceAPI/v2/somethingElse"), { generation: "V2", kitName: "somethingElse" });
  assert.deepEqual(kitRouteOf("/api/koogallery/saas/produceAPI/v2"), { generation: "V1", kitName: "v2" });
  for (const path of [
    "/api/koogallery/saas",
    "/api/koogallery/saas/produceAPI",
    "/api/koogallery/saas/produceAPI/",
    "/api/koogallery/saas/produceAPI/v2/a/b",
    "/produceAPI/v2/tenantSync",
    "/api/koogallery/saas/produceAPI/%E0%A4%A",
  ]) {
    assert.equal(kitRouteOf(path), undefined, path);
  }
  assert.equal(kitEndpointOf("tenantSync"), "kit/tenantSync");
});
