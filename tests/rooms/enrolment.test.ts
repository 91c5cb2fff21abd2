/**
 * A session that still has to set up its second factor may only do that (README, Security):
 * the room upgrade applies the same rule as the API, through the same check
 * (core/permissions.ts refusalFor).
 */
import { describe, expect, it } from 'vitest';
import { testDate } from './board-client.ts';
import { apiAs, newOrg, newPerson, openWith, upgrade } from './people.ts';

describe('a session that must still enrol a second factor', () => {
  it('cannot open the board, as it cannot use the API', async () => {
    const date = testDate(90);
    const dispatcher = await newPerson('dispatcher', { method: 'password' });
    const session = dispatcher.sessions[0]!;

    const api = await apiAs(session, 'GET', '/jobs?limit=1');
    expect(api.status).toBe(403);
    const res = await upgrade(session, date);
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The same refusal, word for word, so a person sees one reason wherever they meet it.
    expect((await res.json<{ title: string }>()).title).toBe(api.body.title);

    // Its own account is still open to it, and once a factor is used the board is too.
    expect((await apiAs(session, 'GET', '/account/security')).status).toBe(200);
    const enrolled = await newPerson('dispatcher');
    const client = await openWith(enrolled.sessions[0]!, date);
    client.close();
  });

  it('cannot open a technician’s feed either, when the org requires a second factor of technicians', async () => {
    const date = testDate(90);
    const strict = await newOrg({ requireTotpForTechnicians: true });
    const tech = await newPerson('technician', { method: 'password', orgId: strict });
    const session = tech.sessions[0]!;
    expect((await apiAs(session, 'GET', '/jobs?limit=1')).status).toBe(403);
    const res = await upgrade(session, date, 'technician');
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeNull();
    await res.text();
    // The same technician with a second factor gets in.
    const enrolled = await newPerson('technician', { orgId: strict });
    const feed = await openWith(enrolled.sessions[0]!, date, 'technician');
    feed.close();
  });
});
