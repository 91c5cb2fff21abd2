import { describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx } from './helpers.ts';

describe('technicians', () => {
  it('creates, reads, updates and filters by skill', async () => {
    const created = await api('a.admin', 'POST', '/technicians', {
      name: 'Rosa Amperes',
      skills: ['ev-charger', 'panel'],
      licenceClass: 'master',
      licenceExpires: '2027-03-31',
      shiftStart: '06:30',
      shiftEnd: '15:00',
      truckLocationId: fx.a.truckId,
      colour: '#16a34a',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Rosa Amperes', timezone: 'America/Chicago', shiftDays: [1, 2, 3, 4, 5], active: true });
    const id = created.body.id;

    const patched = await api('a.admin', 'PATCH', `/technicians/${id}`, { shiftEnd: '16:00' });
    expect(patched.body).toMatchObject({ shiftStart: '06:30', shiftEnd: '16:00', colour: '#16a34a' });

    const bySkill = await api('a.dispatcher', 'GET', '/technicians?skill=ev-charger&fields=id,name');
    expect(bySkill.body.items).toContainEqual({ id, name: 'Rosa Amperes' });
    expect(bySkill.body.items.every((t: { name: string }) => t.name !== `Tech a`)).toBe(true);
  });

  it('refuses bad shifts, bad dates and other orgs’ trucks, changing nothing', async () => {
    const before = await dbFingerprint();
    expectProblem(await api('a.admin', 'POST', '/technicians', { name: 'X', shiftStart: '25:00' }), 422, 'shiftStart');
    expectProblem(await api('a.admin', 'POST', '/technicians', { name: 'X', shiftStart: '15:00', shiftEnd: '07:00' }), 422, 'shiftEnd');
    expectProblem(await api('a.admin', 'POST', '/technicians', { name: 'X', licenceExpires: '2026-02-30' }), 422, 'licenceExpires');
    expectProblem(await api('a.admin', 'POST', '/technicians', { name: 'X', timezone: 'Mars/Olympus' }), 422, 'timezone');
    expectProblem(await api('a.admin', 'POST', '/technicians', { name: 'X', truckLocationId: fx.b.truckId }), 422, 'truckLocationId');
    expectProblem(await api('a.admin', 'POST', '/technicians', { name: 'X', truckLocationId: fx.a.warehouseId }), 422, 'truckLocationId');
    expectProblem(await api('a.admin', 'POST', '/technicians', { name: 'X', userId: fx.a.userIds.dispatcher }), 422, 'userId');
    expectProblem(await api('a.admin', 'PATCH', `/technicians/${fx.a.technicianId}`, { shiftEnd: '06:00' }), 422, 'shiftEnd');
    expect(await dbFingerprint()).toBe(before);
  });

  it('lets only admins change technicians', async () => {
    expectProblem(await api('a.dispatcher', 'POST', '/technicians', { name: 'Nope' }), 403);
    expectProblem(await api('a.technician', 'PATCH', `/technicians/${fx.a.technicianId}`, { name: 'Nope' }), 403);
    expect((await api('a.technician', 'GET', `/technicians/${fx.a.technicianId}`)).status).toBe(200);
  });
});

describe('locations', () => {
  it('belong to a customer of the same org', async () => {
    const body = {
      customerId: fx.a.customerId,
      address: '1100 S Lamar Blvd',
      city: 'Austin',
      region: 'TX',
      postalCode: '78704',
      lat: 30.2515,
      lng: -97.7654,
      accessNotes: 'Dog in yard <b>friendly</b>',
    };
    const created = await api('a.dispatcher', 'POST', '/locations', body);
    expect(created.status).toBe(201);
    expect(created.body.accessNotes).toBe('Dog in yard <b>friendly</b>');
    const list = await api('a.dispatcher', 'GET', `/locations?customerId=${fx.a.customerId}&q=lamar`);
    expect(list.body.items.map((l: { id: string }) => l.id)).toEqual([created.body.id]);

    const before = await dbFingerprint();
    expectProblem(await api('a.dispatcher', 'POST', '/locations', { ...body, customerId: fx.b.customerId }), 422, 'customerId');
    expectProblem(await api('a.dispatcher', 'POST', '/locations', { ...body, lat: 91 }), 422, 'lat');
    expectProblem(await api('a.dispatcher', 'PATCH', `/locations/${created.body.id}`, { customerId: fx.a.customerId }), 422, 'customerId');
    expectProblem(await api('b.dispatcher', 'PATCH', `/locations/${created.body.id}`, { address: 'stolen' }), 404);
    expect(await dbFingerprint()).toBe(before);
  });
});

describe('users', () => {
  it('admins create people who can then sign in; hashes never leave', async () => {
    const created = await api('a.admin', 'POST', '/users', {
      email: 'New.Person@Org-A.test',
      name: 'New Person',
      role: 'dispatcher',
      password: 'a long enough password',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(expect.objectContaining({ email: 'new.person@org-a.test', role: 'dispatcher', active: true }));
    expect(JSON.stringify(created.body)).not.toContain('pbkdf2');
    expect(JSON.stringify((await api('a.admin', 'GET', '/users?limit=200')).body)).not.toContain('pbkdf2');

    const signIn = await api('anon', 'POST', '/auth/sign-in', { email: 'new.person@org-a.test', password: 'a long enough password' });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('set-cookie')).toMatch(/^__Host-sb_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax/);

    expectProblem(await api('a.admin', 'POST', '/users', { email: 'new.person@org-a.test', name: 'Dup', role: 'manager' }), 409, 'email');
    expectProblem(
      await api('a.admin', 'POST', '/users', { email: 'x@y.test', name: 'Weak', role: 'manager', password: 'short' }),
      422,
      'password',
    );
    expectProblem(await api('a.admin', 'POST', '/users', { email: 'x@y.test', name: 'Role', role: 'owner' }), 422, 'role');
    expectProblem(await api('a.dispatcher', 'GET', '/users'), 403);
  });

  it('deactivating someone ends their sessions at once', async () => {
    const created = await api('a.admin', 'POST', '/users', {
      email: 'leaver@org-a.test',
      name: 'Leaver',
      role: 'manager',
      password: 'another long password',
    });
    const signIn = await api('anon', 'POST', '/auth/sign-in', { email: 'leaver@org-a.test', password: 'another long password' });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api('anon', 'GET', '/auth/me', undefined, { cookie })).status).toBe(200);

    const off = await api('a.admin', 'PATCH', `/users/${created.body.id}`, { active: false });
    expect(off.body.active).toBe(false);
    expectProblem(await api('anon', 'GET', '/auth/me', undefined, { cookie }), 401);
    expectProblem(await api('anon', 'POST', '/auth/sign-in', { email: 'leaver@org-a.test', password: 'another long password' }), 401);
    expect(await count('audit_events', "entity = 'user' and entity_id = ? and action = 'update'", [created.body.id])).toBe(1);
  });

  it('an admin cannot lock themselves out', async () => {
    expectProblem(await api('a.admin', 'PATCH', `/users/${fx.a.userIds.admin}`, { role: 'manager' }), 409, 'role');
    expectProblem(await api('a.admin', 'PATCH', `/users/${fx.a.userIds.admin}`, { active: false }), 409, 'active');
    expectProblem(await api('b.admin', 'PATCH', `/users/${fx.a.userIds.manager}`, { role: 'admin' }), 404);
  });
});

describe('sign-in', () => {
  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrong = await api('anon', 'POST', '/auth/sign-in', { email: 'admin@org-a.test', password: 'nope' });
    const unknown = await api('anon', 'POST', '/auth/sign-in', { email: 'nobody@org-a.test', password: 'nope' });
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(await count('audit_events', "action = 'sign_in_failed' and entity_id = ?", [fx.a.userIds.admin])).toBeGreaterThan(0);
  });

  it('signs out and the session stops working', async () => {
    const signIn = await api('anon', 'POST', '/auth/sign-in', { email: 'manager@org-b.test', password: fx.password });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api('anon', 'POST', '/auth/sign-out', undefined, { cookie })).status).toBe(204);
    expectProblem(await api('anon', 'GET', '/auth/me', undefined, { cookie }), 401);
  });

  it('refuses a state-changing request from another origin', async () => {
    expectProblem(await api('a.dispatcher', 'POST', '/customers', { name: 'CSRF' }, { origin: 'https://evil.example' }), 403);
    expectProblem(await api('a.dispatcher', 'POST', '/customers', { name: 'CSRF' }, { 'sec-fetch-site': 'cross-site' }), 403);
    expect(await count('customers', "name = 'CSRF'")).toBe(0);
  });
});
