import { describe, expect, it } from 'vitest';
import { outboxPage } from './outbox';

describe('outbox page', () => {
  it('shows each message readably, newest first, escaping what was sent', () => {
    const html = outboxPage([
      { to: 'a@example.com', channel: 'email', subject: 'Your code', body: 'Your code is 111111.', code: '111111', sentAt: '2026-01-01T10:00:00.000Z' },
      { to: '+15551230001', channel: 'sms', subject: '', body: '<b>Vault</b>: 222222', code: '222222', sentAt: '2026-01-01T11:00:00.000Z' },
    ]);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>Outbox · local cloud</title>');
    expect(html.indexOf('+15551230001')).toBeLessThan(html.indexOf('a@example.com'));
    expect(html).toContain('&#60;b&#62;Vault&#60;/b&#62;: 222222');
    expect(html).not.toContain('<b>Vault</b>');
    expect(html).toContain('Text message to <strong>+15551230001</strong>');
    expect(html).toContain('2026-01-01 10:00:00 UTC');
    expect(outboxPage([])).toContain('Nothing has been sent yet.');
  });
});
