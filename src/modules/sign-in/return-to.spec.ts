import { safeReturnTo } from './return-to';

describe('safeReturnTo', () => {
  it.each([
    ['/ui/change-requests/3f1c', '/ui/change-requests/3f1c'],
    ['/ui', '/ui'],
    ['/ui/audit?actor=x', '/ui/audit?actor=x'],
  ])('keeps the console path %s', (given, kept) => expect(safeReturnTo(given)).toBe(kept));

  it.each([
    'https://evil.example/ui/',
    '//evil.example/ui/',
    '/\\evil.example',
    '/ui\\..\\api',
    '/uix/other',
    '/api/v1/members',
    '/ui/../api/v1/tokens',
    'javascript:alert(1)',
    '/ui/\u0000',
    undefined,
    42,
  ])('sends %p to the console home', (given) => expect(safeReturnTo(given)).toBe('/ui/'));
});
