import { createHmac, randomBytes } from 'node:crypto';

/** Generated secrets carry a prefix so a leaked one is greppable. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64url')}`;

/** What listings show instead of the secret: enough to tell two apart. */
export const webhookSecretHint = (secret: string): string => (secret.length > 8 ? `…${secret.slice(-4)}` : '…');

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes under the webhook's secret. */
export const signWebhookBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The delivered body; built from the delivery row, so every retry sends the same bytes. */
export const webhookBody = (d: { id: string; event: string; createdAt: Date; payload: unknown }): string =>
  JSON.stringify({ id: d.id, event: d.event, createdAt: d.createdAt.toISOString(), data: d.payload });
