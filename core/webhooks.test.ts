import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, nextAttemptAt, refuseWebhookUrl } from './webhooks.ts';

describe('webhook addresses', () => {
  it('refuses private, loopback and link-local hosts outside development', () => {
    for (const url of [
      'https://localhost/hook',
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://172.20.0.5/hook',
      'https://192.168.1.10/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[fd12::1]/hook',
      'https://[fe80::1]/hook',
      'https://[::ffff:10.0.0.1]/hook',
      'https://printer.local/hook',
      'https://metadata.google.internal/hook',
    ])
      expect(refuseWebhookUrl(url, false), url).toMatch(/private/);
    expect(refuseWebhookUrl('https://hooks.example.com/switchboard', false)).toBeNull();
    expect(refuseWebhookUrl('https://172.32.0.1/hook', false)).toBeNull();
  });

  it('wants https, no credentials in the address, and a URL at all', () => {
    expect(refuseWebhookUrl('http://hooks.example.com/x', false)).toMatch(/https/);
    expect(refuseWebhookUrl('ftp://hooks.example.com/x', true)).toMatch(/https/);
    expect(refuseWebhookUrl('https://user:pw@hooks.example.com/x', false)).toMatch(/user name/);
    expect(refuseWebhookUrl('hooks.example.com', false)).toMatch(/Not a URL/);
  });

  it('lets development use loopback over http', () => {
    expect(refuseWebhookUrl('http://127.0.0.1:9999/hook', true)).toBeNull();
  });
});

describe('retries', () => {
  it('backs off, then stops', () => {
    expect(nextAttemptAt(1, 0)).toBe(30_000);
    expect(nextAttemptAt(2, 0)).toBe(120_000);
    expect(nextAttemptAt(MAX_ATTEMPTS - 1, 0)).toBe(12 * 3_600_000);
    expect(nextAttemptAt(MAX_ATTEMPTS, 0)).toBeNull();
  });
});
