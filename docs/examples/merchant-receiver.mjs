// A receiver for what the portal sends your application (the provisioning call;
// lifecycle events use the same signature): Node 20, no framework, and the
// Standard Webhooks reference library (`npm install standardwebhooks`).
//
//   WEBHOOK_SECRET=whsec_... node merchant-receiver.mjs
import http from "node:http";
import { Webhook } from "standardwebhooks";

export function createReceiver(secret, handle) {
  const webhook = new Webhook(secret);
  return http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString("utf8");
    let message;
    try {
      // Checks webhook-id, webhook-timestamp (within 5 minutes) and webhook-signature over the exact bytes received.
      message = webhook.verify(body, req.headers);
    } catch {
      res.writeHead(401).end();
      return;
    }
    // webhook-id is the same on every retry of one message: dedupe on it before acting.
    const answer = await handle(message, req.headers["webhook-id"]);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer ?? {}));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const receiver = createReceiver(process.env.WEBHOOK_SECRET, (message, id) => {
    console.log(id, message);
    // A provisioning call answers with the new instance's address.
    if (message.event === "provision") return { frontEndUrl: `https://app.example.com/${message.instance.instanceId}` };
    return {};
  });
  receiver.listen(Number(process.env.PORT ?? 8080));
}
