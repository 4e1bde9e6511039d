// The flooder of section "flood": a stranger without any key sending 15 MiB
// junk bodies to the Kit path with fresh-looking x-timestamp/x-nonce/x-sign
// headers (so nothing refuses them before their bodies are read), as fast as
// the portal answers, on a few connections. A process of its own, so its
// sending never shares the load generator's event loop. Prints one
// `FLOOD_RESULT {json}` line when its time is up.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    "duration-ms": { type: "string", default: "10000" },
    "body-mib": { type: "string", default: "15" },
    connections: { type: "string", default: "4" },
  },
});
const url = values.url;
if (!url) throw new Error("--url is required");
const durationMs = Number(values["duration-ms"]);
const connections = Number(values.connections);

/** Valid JSON, the expensive kind of junk: a verifier that parses it pays for every byte. */
function junkBody(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 40;
  for (let i = 0; size < bytes; i++) {
    const user = `{"userName":"u${String(i).padStart(8, "0")}","name":"张三${i}","orgCode":"org-${i % 500}","role":"user","enable":"true"}`;
    parts.push(user);
    size += Buffer.byteLength(user) + 1;
  }
  return Buffer.from(`{"instanceId":"junk","tenantId":"junk","userList":[${parts.join(",")}]}`);
}

const body = junkBody(Number(values["body-mib"]) * 1024 * 1024);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const counts = { sent: 0, answered: 0, failed: 0, bytes: 0, codes: {} as Record<string, number>, slowestMs: 0, totalMs: 0 };

function send(): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      url!,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": String(body.length),
          "x-timestamp": String(Date.now()),
          "x-nonce": randomBytes(32).toString("hex"),
          "x-sign": randomBytes(32).toString("hex").toUpperCase(),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          const ms = performance.now() - started;
          counts.answered++;
          counts.totalMs += ms;
          counts.slowestMs = Math.max(counts.slowestMs, ms);
          const code = /"resultCode":"(\d+)"/.exec(text)?.[1] ?? `http-${res.statusCode}`;
          counts.codes[code] = (counts.codes[code] ?? 0) + 1;
          resolve();
        });
        res.on("error", () => (counts.failed++, resolve()));
      },
    );
    req.on("error", () => (counts.failed++, resolve()));
    counts.sent++;
    counts.bytes += body.length;
    req.end(body);
  });
}

const deadline = Date.now() + durationMs;
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (Date.now() < deadline) await send();
  }),
);
agent.destroy();
console.log(`FLOOD_RESULT ${JSON.stringify({ ...counts, bodyBytes: body.length, elapsedMs: durationMs })}`);
