import { describe, expect, it } from 'vitest';
import { TOTP, Secret } from 'otpauth';
import { api, count, expectProblem, fx, sql } from './helpers.ts';
import { Browser } from './browser.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

const RP = { origin: 'http://switchboard.test', rpId: 'switchboard.test' };
const PASSWORD = 'a perfectly long password';

/** A code as an authenticator app shows it, `steps` periods from now. */
const codeAt = (secret: string, steps = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * 30_000 });

async function newUser(role: 'dispatcher' | 'manager' | 'technician' = 'dispatcher') {
  const email = `${role}-${crypto.randomUUID().slice(0, 8)}@org-a.test`;
  const created = await api('a.admin', 'POST', '/users', { email, name: `Person ${role}`, role, password: PASSWORD });
  expect(created.status).toBe(201);
  return { email, id: created.body.id as string };
}

/** Signs in with a password and enrols TOTP; returns the browser, secret and recovery codes. */
async function withTotp(role: 'dispatcher' | 'manager' = 'dispatcher') {
  const user = await newUser(role);
  const b = new Browser();
  const first = await b.call('POST', '/auth/sign-in', { email: user.email, password: PASSWORD });
  expect(first.body).toMatchObject({ status: 'signed-in', me: { mustEnrolSecondFactor: true } });
  const setup = await b.call('POST', '/account/totp/setup');
  expect(setup.status).toBe(200);
  expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/Switchboard:/);
  expect(setup.body.qrSvg).toMatch(/^<svg/);
  const confirmed = await b.call('POST', '/account/totp/confirm', { code: codeAt(setup.body.secret) });
  expect(confirmed.status).toBe(200);
  return { ...user, b, secret: setup.body.secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

describe('TOTP', () => {
  it('enrols with a code from a standard TOTP library and gives ten single-use recovery codes', async () => {
    const u = await withTotp();
    expect(u.recoveryCodes).toHaveLength(10);
    expect(new Set(u.recoveryCodes).size).toBe(10);
    const me = await u.b.call('GET', '/auth/me');
    expect(me.body).toMatchObject({ method: 'password+totp', mustEnrolSecondFactor: false });
    expect(await count('recovery_codes', 'user_id = ? and used_at is null', [u.id])).toBe(10);
    // Only hashes are stored.
    const stored = await sql.execute({ sql: 'select code_hash from recovery_codes where user_id = ?', args: [u.id] });
    expect(stored.rows.map((r) => r.code_hash)).not.toContain(u.recoveryCodes[0]);
    expect(await count('audit_events', "entity_id = ? and action = 'totp_enabled'", [u.id])).toBe(1);
  });

  it('signs in with a code, and refuses the same code a second time', async () => {
    const u = await withTotp();
    const code = codeAt(u.secret, 1); // the enrolment used this step's code already
    const b = new Browser();
    expect((await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD })).body).toEqual({
      status: 'second-factor-required',
    });
    expect(b.cookie('__Host-sb_session')).toBeUndefined();
    expectProblem(await b.call('GET', '/customers'), 401);
    const ok = await b.call('POST', '/auth/second-factor', { code });
    expect(ok.body).toMatchObject({ status: 'signed-in', me: { method: 'password+totp' } });
    expect((await b.call('GET', '/customers?limit=1')).status).toBe(200);

    const again = new Browser();
    await again.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    expectProblem(await again.call('POST', '/auth/second-factor', { code }), 401);
    expect(await count('audit_events', "entity_id = ? and action = 'sign_in_failed'", [u.id])).toBe(1);
  });

  it('accepts each recovery code once', async () => {
    const u = await withTotp();
    const [first, second] = u.recoveryCodes;
    const b = new Browser();
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const ok = await b.call('POST', '/auth/second-factor', { recoveryCode: first!.toUpperCase() });
    expect(ok.body).toMatchObject({ status: 'signed-in', me: { method: 'password+recovery' } });

    const b2 = new Browser();
    await b2.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    expectProblem(await b2.call('POST', '/auth/second-factor', { recoveryCode: first }), 401);
    expect((await b2.call('POST', '/auth/second-factor', { recoveryCode: second })).status).toBe(200);
    expect(await count('recovery_codes', 'user_id = ? and used_at is null', [u.id])).toBe(8);
  });

  it('locks an account after repeated wrong codes with 429 and Retry-After, leaving other accounts alone', async () => {
    const u = await withTotp();
    const other = await withTotp();
    const b = new Browser();
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const statuses: number[] = [];
    let locked: Awaited<ReturnType<Browser['call']>> | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await b.call('POST', '/auth/second-factor', { code: '000000' === codeAt(u.secret) ? '111111' : '000000' });
      statuses.push(res.status);
      if (res.status === 429) locked ??= res;
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expectProblem(locked!, 429);
    expect(Number(locked!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right code waits out the lock.
    expectProblem(await b.call('POST', '/auth/second-factor', { code: codeAt(u.secret, 1) }), 429);

    // Same client address, different account: unaffected.
    const sameClient = new Browser(b.address);
    expect((await sameClient.call('POST', '/auth/sign-in', { email: other.email, password: PASSWORD })).body).toEqual({
      status: 'second-factor-required',
    });
    expect((await sameClient.call('POST', '/auth/second-factor', { code: codeAt(other.secret, 1) })).status).toBe(200);
  });

  it('locks password guessing per account too', async () => {
    const u = await newUser('manager');
    const b = new Browser();
    for (let i = 0; i < 10; i++) expect((await b.call('POST', '/auth/sign-in', { email: u.email, password: 'wrong' })).status).toBe(401);
    const locked = await b.call('POST', '/auth/sign-in', { email: u.email, password: 'wrong' });
    expectProblem(locked, 429);
    // The lock is on the account wherever the guesses come from, even with the right password.
    expectProblem(await new Browser().call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD }), 429);
  });

  it('needs a fresh sign-in to turn TOTP off, and then can sign other sessions out', async () => {
    const u = await withTotp('manager');
    const elsewhere = new Browser();
    await elsewhere.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    await elsewhere.call('POST', '/auth/second-factor', { code: codeAt(u.secret, 1) });
    expect((await elsewhere.call('GET', '/auth/me')).status).toBe(200);

    // Age the current session past 5 minutes: the change is refused.
    await sql.execute({
      sql: 'update sessions set created_at = created_at - 600000 where user_id = ? and revoked_at is null',
      args: [u.id],
    });
    expectProblem(await u.b.call('DELETE', '/account/totp', { signOutOthers: true }), 403);
    await sql.execute({
      sql: 'update sessions set created_at = created_at + 600000 where user_id = ? and revoked_at is null',
      args: [u.id],
    });

    // A manager needs a second factor: refused while TOTP is the only one.
    expectProblem(await u.b.call('DELETE', '/account/totp', { signOutOthers: true }), 409);
  });
});

describe('second factor required by role', () => {
  it('holds a password-only office session at enrolment until it adds a factor', async () => {
    const u = await newUser('dispatcher');
    const b = new Browser();
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const refused = await b.call('GET', '/customers?limit=1');
    expectProblem(refused, 403);
    expect(refused.body.title).toBe('Set up two-step sign-in first');
    expect((await b.call('GET', '/auth/me')).status).toBe(200);
    expect((await b.call('GET', '/account/security')).status).toBe(200);
    const setup = await b.call('POST', '/account/totp/setup');
    expect((await b.call('POST', '/account/totp/confirm', { code: codeAt(setup.body.secret) })).status).toBe(200);
    // Confirming rotated the session into one that used the factor.
    expect((await b.call('GET', '/customers?limit=1')).status).toBe(200);
  });

  it('lets technicians in with a password unless their org requires more', async () => {
    const u = await newUser('technician');
    const b = new Browser();
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    expect((await b.call('GET', '/jobs?limit=1')).status).toBe(200);
    expect((await api('a.admin', 'PATCH', '/org', { requireTotpForTechnicians: true })).status).toBe(200);
    try {
      const after = new Browser();
      const signedIn = await after.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
      expect(signedIn.body.me.mustEnrolSecondFactor).toBe(true);
      expectProblem(await after.call('GET', '/jobs?limit=1'), 403);
    } finally {
      await api('a.admin', 'PATCH', '/org', { requireTotpForTechnicians: false });
    }
  });
});

describe('passkeys', () => {
  async function enrolPasskey() {
    const u = await newUser('dispatcher');
    const b = new Browser();
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const key = await SoftAuthenticator.create();
    const options = await b.call('POST', '/account/passkeys/options');
    expect(options.body.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    const added = await b.call('POST', '/account/passkeys', { name: 'Work laptop', response: await key.register(options.body, RP) });
    expect(added.status).toBe(201);
    return { ...u, b, key };
  }

  it('registers, signs in with no password, and lists, renames and refuses replays', async () => {
    const { b, key, id } = await enrolPasskey();
    // The first factor of a dispatcher: the session was rotated into a full one.
    expect((await b.call('GET', '/auth/me')).body).toMatchObject({ method: 'passkey', mustEnrolSecondFactor: false });
    const list = await b.call('GET', '/account/passkeys');
    expect(list.body.items).toEqual([expect.objectContaining({ id: key.id, name: 'Work laptop' })]);
    expect((await b.call('PATCH', `/account/passkeys/${key.id}`, { name: 'Desk' })).body.name).toBe('Desk');

    const phone = new Browser();
    const options = await phone.call('POST', '/auth/passkey/options');
    expect(options.body.userVerification).toBe('required');
    const assertion = await key.assert(options.body, RP);
    const signedIn = await phone.call('POST', '/auth/passkey', { response: assertion });
    expect(signedIn.body).toMatchObject({ status: 'signed-in', me: { userId: id, method: 'passkey' } });
    expect((await phone.call('GET', '/customers?limit=1')).status).toBe(200);
    // The challenge was single-use: the same assertion does not work twice.
    expectProblem(await phone.call('POST', '/auth/passkey', { response: assertion }), 401);
  });

  it('refuses a registration made for another origin or RP id, or without user verification', async () => {
    const u = await newUser('dispatcher');
    const b = new Browser();
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const key = await SoftAuthenticator.create();
    for (const where of [
      { origin: 'https://evil.example', rpId: RP.rpId },
      { origin: RP.origin, rpId: 'evil.example' },
      { ...RP, userVerified: false },
    ]) {
      const options = await b.call('POST', '/account/passkeys/options');
      expectProblem(await b.call('POST', '/account/passkeys', { response: await key.register(options.body, where) }), 422, 'response');
    }
    expect(await count('passkeys', 'user_id = ?', [u.id])).toBe(0);
  });

  it('refuses an assertion made for another origin or RP id', async () => {
    const { key } = await enrolPasskey();
    for (const where of [
      { origin: 'https://evil.example', rpId: RP.rpId },
      { origin: RP.origin, rpId: 'evil.example' },
    ]) {
      const b = new Browser();
      const options = await b.call('POST', '/auth/passkey/options');
      expectProblem(await b.call('POST', '/auth/passkey', { response: await key.assert(options.body, where) }), 401);
      expect(b.cookie('__Host-sb_session')).toBeUndefined();
    }
  });

  it('lets an admin reset a lost factor, signing the person out', async () => {
    const { b, id } = await enrolPasskey();
    expectProblem(await api('a.dispatcher', 'POST', `/users/${id}/reset-second-factor`), 403);
    expect((await api('a.admin', 'POST', `/users/${id}/reset-second-factor`)).status).toBe(204);
    expectProblem(await b.call('GET', '/auth/me'), 401);
    expect(await count('passkeys', 'user_id = ?', [id])).toBe(0);
    expect(
      await count('audit_events', "entity_id = ? and action = 'second_factor_reset' and actor_user_id = ?", [id, fx.a.userIds.admin]),
    ).toBe(1);
  });
});

describe('sessions', () => {
  it('rotates at sign-in: the session a browser had before ends', async () => {
    const u = await newUser('technician');
    const b = new Browser();
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const before = b.cookie('__Host-sb_session');
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    expect(b.cookie('__Host-sb_session')).not.toBe(before);
    expectProblem(await api('anon', 'GET', '/auth/me', undefined, { cookie: `__Host-sb_session=${before}` }), 401);
  });

  it('lists sessions and signs one or all others out', async () => {
    const u = await newUser('technician');
    const [one, two, three] = [new Browser(), new Browser(), new Browser()];
    for (const b of [one, two, three])
      await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD }, { 'user-agent': `Phone ${b.address}` });
    const list = await one.call('GET', '/account/sessions');
    expect(list.body.items).toHaveLength(3);
    expect(list.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const twoId = list.body.items.find((s: { userAgent: string }) => s.userAgent === `Phone ${two.address}`).id;
    expect((await one.call('DELETE', `/account/sessions/${twoId}`)).status).toBe(204);
    expectProblem(await two.call('GET', '/auth/me'), 401);
    expect((await one.call('POST', '/account/sessions/sign-out-others')).status).toBe(204);
    expectProblem(await three.call('GET', '/auth/me'), 401);
    expect((await one.call('GET', '/auth/me')).status).toBe(200);
  });

  it('notes activity after answering, so a session in use never goes idle', async () => {
    const u = await newUser('technician');
    const b = new Browser();
    await b.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(b.cookie('__Host-sb_session')!)))]
      .map((x) => x.toString(16).padStart(2, '0'))
      .join('');
    const old = Date.now() - 90 * 60_000;
    await sql.execute({ sql: 'update sessions set last_seen_at = ? where token_hash = ?', args: [old, hash] });
    const me = await b.call('GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).not.toHaveProperty('lastSeenStale');
    expect(me.roundTrips).toBe(1); // the touch is not on the answer's path
    // The touch lands after the answer: poll for it until a deadline that only a lost touch
    // reaches, not a slow machine.
    let seen = old;
    for (const deadline = Date.now() + 8_000; seen === old && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 20));
      seen = Number(
        (await sql.execute({ sql: 'select last_seen_at from sessions where token_hash = ?', args: [hash] })).rows[0]!.last_seen_at,
      );
    }
    expect(seen).toBeGreaterThan(old);
  });

  it('ends idle sessions and sessions past their absolute lifetime', async () => {
    const u = await newUser('technician');
    const idle = new Browser();
    await idle.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const old = new Browser();
    await old.call('POST', '/auth/sign-in', { email: u.email, password: PASSWORD });
    const hash = async (t: string) =>
      [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(t)))]
        .map((x) => x.toString(16).padStart(2, '0'))
        .join('');
    await sql.execute({
      sql: 'update sessions set last_seen_at = last_seen_at - 3 * 3600000 where token_hash = ?',
      args: [await hash(idle.cookie('__Host-sb_session')!)],
    });
    await sql.execute({
      sql: 'update sessions set expires_at = ? where token_hash = ?',
      args: [Date.now() - 1, await hash(old.cookie('__Host-sb_session')!)],
    });
    expectProblem(await idle.call('GET', '/auth/me'), 401);
    expectProblem(await old.call('GET', '/auth/me'), 401);
  });
});

describe('invitations', () => {
  it('an admin invites; the link works once; the invitee sets a password and signs in', async () => {
    const email = `invitee-${crypto.randomUUID().slice(0, 8)}@org-a.test`;
    expectProblem(await api('a.dispatcher', 'POST', '/invitations', { email, name: 'New Hire', role: 'technician' }), 403);
    const inv = await api('a.admin', 'POST', '/invitations', { email, name: 'New Hire', role: 'technician' });
    expect(inv.status).toBe(201);
    const token = new URL(inv.body.link).hash.slice(1);
    expect(token.length).toBeGreaterThan(20);
    expect(await count('invitations', 'token_hash = ?', [token])).toBe(0); // only the hash is stored
    expectProblem(await api('a.admin', 'POST', '/invitations', { email, name: 'Again', role: 'technician' }), 409, 'email');

    const b = new Browser();
    expect((await b.call('POST', '/invitations/lookup', { token })).body).toMatchObject({ orgName: 'Org a', email, role: 'technician' });
    expectProblem(await b.call('POST', '/invitations/accept', { token, password: 'short' }), 422, 'password');
    const accepted = await b.call('POST', '/invitations/accept', { token, password: PASSWORD });
    expect(accepted.status).toBe(201);
    expect((await b.call('GET', '/auth/me')).body).toMatchObject({ email, role: 'technician' });
    expectProblem(await new Browser().call('POST', '/invitations/accept', { token, password: PASSWORD }), 404);
    expect((await new Browser().call('POST', '/auth/sign-in', { email, password: PASSWORD })).body.status).toBe('signed-in');
    expect(await count('audit_events', "entity = 'invitation' and entity_id = ?", [inv.body.id])).toBe(1);
  });

  it('a withdrawn invitation no longer works', async () => {
    const inv = await api('a.admin', 'POST', '/invitations', {
      email: `w-${crypto.randomUUID().slice(0, 8)}@org-a.test`,
      name: 'Withdrawn',
      role: 'manager',
    });
    const token = new URL(inv.body.link).hash.slice(1);
    expect((await api('a.admin', 'DELETE', `/invitations/${inv.body.id}`)).status).toBe(204);
    expectProblem(await new Browser().call('POST', '/invitations/accept', { token, password: PASSWORD }), 404);
    expectProblem(await api('b.admin', 'DELETE', `/invitations/${inv.body.id}`), 404);
  });
});
