/**
 * The phone's service worker shows a push (issue 12, "Done when"): at 390x844 with touch and
 * notifications allowed, the technician signs in, the app's service worker
 * (app/src/service-worker.ts, with lib/sw/push.ts's handlers) is active, and a push is delivered
 * to it through the DevTools protocol (ServiceWorker.deliverPushMessage: Chromium's own push
 * event, without a push service, which a test machine has none of). The notification it shows
 * is read back from the registration (getNotifications): the payload's title and body, one per
 * job (a second push for the same job replaces the first), and the job's page to open on a tap.
 *
 * The Worker's side (sending, encryption, VAPID) is tested against a loopback push service in
 * tests/worker/push.test.ts.
 */
import { test, expect, signInFully, TECHNICIAN } from './fixtures.ts';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

interface Shown {
  title: string;
  body: string;
  tag: string;
  data: unknown;
}

test('a push delivered to the service worker shows its notification, one per job', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, ...PHONE, permissions: ['notifications'] });
  try {
    const page = await context.newPage();
    await signInFully(page, TECHNICIAN);
    await expect(page).toHaveURL(/\/field$/);
    // The app's own service worker, active and in charge of this page's origin.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);

    const cdp = await context.newCDPSession(page);
    const registration = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const r = registrations.find((x) => x.scopeURL === scope && !x.isDeleted);
        if (r) resolve(r.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registration;
    const origin = new URL(scope).origin;
    const push = (payload: unknown) =>
      cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: JSON.stringify(payload) });
    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map(
          (n): Shown => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }),
        ),
      );

    const jobId = crypto.randomUUID();
    await push({
      kind: 'assigned',
      jobId,
      url: `/field/jobs/${jobId}`,
      title: 'New job #4242',
      body: 'Panel upgrade for Ada Lovelace, Tue, Sep 22, 09:00, 1 h',
    });
    await expect.poll(shown).toEqual([
      {
        title: 'New job #4242',
        body: 'Panel upgrade for Ada Lovelace, Tue, Sep 22, 09:00, 1 h',
        tag: `job-${jobId}`,
        data: { url: `/field/jobs/${jobId}`, jobId, kind: 'assigned' },
      },
    ]);

    // The same job moved: its notification now says so, and there is still one.
    await push({
      kind: 'moved',
      jobId,
      url: `/field/jobs/${jobId}`,
      title: 'Job #4242 moved',
      body: 'Panel upgrade for Ada Lovelace, now Tue, Sep 22, 11:00, 1 h',
    });
    await expect.poll(async () => (await shown()).map((n) => n.title)).toEqual(['Job #4242 moved']);

    // A push the phone cannot read still shows something (and never a link off the app).
    await push({ title: 'Hello', url: 'https://elsewhere.example/' });
    await expect
      .poll(async () => (await shown()).find((n) => n.tag === 'switchboard'))
      .toMatchObject({
        title: 'Hello',
        data: { url: '/field', jobId: null, kind: null },
      });
  } finally {
    await context.close();
  }
});
