import { DomainError } from '../../core/errors';

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
