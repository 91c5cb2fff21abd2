import { describe, expect, it } from 'vitest';
import { newPair, vapidKeys } from './push-keys.ts';

/** Configured keys never reach for libSQL. */
const noLibsql = {
  batch: () => {
    throw new Error('libSQL was asked');
  },
};

describe('VAPID keys', () => {
  it('takes the configured pair and contact as they are', async () => {
    const pair = await newPair();
    const keys = await vapidKeys(
      { VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: 'mailto:ops@x.example' },
      noLibsql,
    );
    expect(keys).toEqual({ ...pair, subject: 'mailto:ops@x.example' });
  });

  it('refuses half a pair rather than making another', async () => {
    const pair = await newPair();
    await expect(vapidKeys({ VAPID_PUBLIC_KEY: pair.publicKey }, noLibsql)).rejects.toThrow(/set together/);
    await expect(vapidKeys({ VAPID_PRIVATE_KEY: pair.privateKey }, noLibsql)).rejects.toThrow(/set together/);
  });

  it('makes pairs in VAPID spelling: a 65-byte uncompressed point and a 32-byte scalar, base64url', async () => {
    const { publicKey, privateKey } = await newPair();
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(publicKey, 'base64url')[0]).toBe(4);
    expect(Buffer.from(privateKey, 'base64url')).toHaveLength(32);
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
