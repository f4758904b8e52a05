import { DomainError } from '../../core/errors';
import { matchesEvent } from './webhook-events';
import { signWebhookBody, webhookBody } from './webhook-signature';
import { assertWebhookUrl } from './webhook-url';

describe('assertWebhookUrl', () => {
  it.each(['http://127.0.0.1:8080/hook', 'https://hooks.example.com/gantry?team=a'])('accepts %s', (url) => {
    expect(assertWebhookUrl(url)).toBe(url);
  });

  it.each([
    'ftp://example.com/x',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'https://u:p@example.com/',
    'https://token@example.com/',
    '/relative',
    '',
  ])('refuses %s with webhook/invalid_url', (url) => {
    let thrown: unknown;
    try {
      assertWebhookUrl(url);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'webhook/invalid_url', status: 400 });
  });
});

describe('matchesEvent', () => {
  it('matches listed events and *', () => {
    expect(matchesEvent(['flag.updated'], 'flag.updated')).toBe(true);
    expect(matchesEvent(['segment.updated'], 'flag.updated')).toBe(false);
    expect(matchesEvent(['*'], 'change_request.applied')).toBe(true);
  });
});

describe('webhook signature', () => {
  it('signs the exact body; the body is stable for a delivery', () => {
    const d = { id: 'd1', event: 'flag.updated', createdAt: new Date('2026-01-01T00:00:00Z'), payload: { key: 'f' } };
    const body = webhookBody(d);
    expect(body).toBe('{"id":"d1","event":"flag.updated","createdAt":"2026-01-01T00:00:00.000Z","data":{"key":"f"}}');
    expect(webhookBody(d)).toBe(body);
    expect(signWebhookBody('s', body)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signWebhookBody('s', body)).not.toBe(signWebhookBody('t', body));
  });
});
