import { DomainError } from '../../core/errors';

/**
 * The SDK key of a request. LaunchDarkly SDKs send the raw key in Authorization; OFREP providers
 * send `Bearer <key>` or `X-API-Key`. All three are accepted on every SDK surface.
 */
export function sdkKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  const value = typeof auth === 'string' ? auth.trim() : undefined;
  if (value) return /^Bearer\s+/i.test(value) ? value.replace(/^Bearer\s+/i, '').trim() || undefined : value;
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() ? apiKey.trim() : undefined;
}

export const invalidSdkKey = () => new DomainError('sdk/invalid_key', 'missing or unknown SDK key');
