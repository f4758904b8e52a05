import { DomainError } from '../../core/errors';
import { OutboundRefused, type OutboundPolicy } from '../../infra/net/outbound-policy';

/**
 * A webhook target must be a plain http(s) URL: other schemes (file:, ftp:, javascript:, ...) are
 * refused, and so are embedded credentials, which would be stored and logged in clear.
 */
export function assertWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidUrl('is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidUrl(`scheme '${url.protocol.replace(/:$/, '')}' is not allowed; use http or https`);
  if (url.username || url.password)
    throw invalidUrl('must not contain credentials; authenticate deliveries with the signature');
  if (!url.hostname) throw invalidUrl('has no host');
  return raw;
}

const invalidUrl = (reason: string) =>
  new DomainError('webhook/invalid_url', `webhook url ${reason}`, [{ field: 'url', reason }]);

/**
 * assertWebhookUrl, then where it leads: an address literal, or every address the name resolves to
 * now, must not be loopback, private, link-local, CGNAT or metadata unless the operator allows it
 * (GANTRY_OUTBOUND_ALLOW). Delivery checks again at send time, after resolving.
 */
export async function assertWebhookDestination(policy: OutboundPolicy, raw: string): Promise<string> {
  assertWebhookUrl(raw);
  try {
    await policy.checkUrl(new URL(raw));
  } catch (err) {
    if (!(err instanceof OutboundRefused)) throw err;
    throw new DomainError('webhook/forbidden_address', `webhook url is refused: ${err.message}`, [
      { field: 'url', reason: err.message },
    ]);
  }
  return raw;
}
