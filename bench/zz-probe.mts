import { runLoad } from "./load";
import { buildV2BasicRequest } from "../lib/koogallery/signer";
const target = process.argv[2] ?? "query";
const base = "http://127.0.0.1:3300";
let n = 0;
const r = await runLoad({
  concurrency: 32, durationMs: 6000, warmupRequests: 200,
  makeRequest: () => {
    if (target === "health") return { url: `${base}/api/health`, method: "GET", headers: {} };
    const body = target === "new" ? { activity: "newInstance", orderId: `P${process.pid}-${n++}`, orderLineId: "L", businessId: `b-${process.pid}-${n}` } : { activity: "queryInstance", instanceId: "zzz" };
    const req = buildV2BasicRequest({ baseUrl: `${base}/api/${process.env.ROUTE ?? "koogallery/saas"}`, accessKey: "perfkey", body });
    return { url: req.url, method: "POST", headers: req.headers, body: req.body };
  },
  check: (s) => s === 200,
});
console.log(target, Math.round(r.rps), "rps p50", r.p50.toFixed(1), "p99", r.p99.toFixed(1), "gen cpu", r.clientCpu.toFixed(0), r.firstError ?? "");
