/**
 * An Express endpoint that receives Herald's webhooks and checks their Standard Webhooks
 * signature over the raw body (a parsed-then-serialized body would not verify).
 *
 *   WEBHOOK_SECRET=whsec_… PORT=8080 node dist/examples/receiver.js
 */
import express from 'express';
import { verifyWebhook } from 'herald/client';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('set WEBHOOK_SECRET (the whsec_… secret given to Herald)');
  process.exit(2);
}

const app = express();
app.post('/webhooks', express.raw({ type: () => true }), (req, res) => {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const check = verifyWebhook(raw, req.headers, secret);
  if (!check.ok) {
    console.log(`rejected: ${check.reason}`);
    res.status(401).json({ error: check.reason });
    return;
  }
  const event = JSON.parse(raw.toString('utf8')) as { jobId?: string; status?: string; type?: string; eventType?: string };
  console.log(`verified ${check.id}: ${event.jobId ?? '-'} ${event.status ?? event.eventType ?? event.type ?? ''}`);
  res.sendStatus(204);
});

const server = app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening on http://127.0.0.1:${port}/webhooks`);
});
process.once('SIGTERM', () => server.close());
process.once('SIGINT', () => server.close());
