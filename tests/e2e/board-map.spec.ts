/**
 * The board's map and job drawer in Chromium against the real board room: the map draws the
 * day's pins and technicians' routes (checked in rendered features and in the pixels of a
 * screenshot, not just that an element exists), a pin selects its card, and the drawer opens a
 * job from the board. With UPDATE_SCREENSHOTS=1 (npm run screenshots) it also writes the
 * README's screenshots under docs/screenshots/ at desktop and tablet sizes.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { STATUS_COLOURS } from '../../maps/features.ts';
import { test, expect, signInFully, dayWhenAllWork, DISPATCHER } from './fixtures.ts';

type State = Awaited<ReturnType<BrowserContext['storageState']>>;
test.describe.configure({ mode: 'serial' });

const SHOOT = !!process.env.UPDATE_SCREENSHOTS;
const DESKTOP = { width: 1600, height: 1000 };
const TABLET = { width: 1024, height: 768 };

let state: State;
let day = '';
const contexts: BrowserContext[] = [];

test.beforeAll(async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signInFully(page, DISPATCHER);
  state = await context.storageState();
  // A coming day with a full crew (weekday-only and Sunday-to-Thursday technicians both at
  // work), so the map has many pins and routes whatever today is.
  ({ day } = await dayWhenAllWork(page, ['Marcus Delgado', 'Kim Nguyen']));
  await context.close();
});

test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function openBoard(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number },
  view: 'both' | 'schedule' | 'map',
): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: state, viewport });
  contexts.push(context);
  await context.addInitScript((v) => localStorage.setItem('switchboard.board.view', v), view);
  const page = await context.newPage();
  await page.goto(`/board/${day}`);
  await expect(page.getByTestId('board')).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('connection')).toContainText('Live');
  return page;
}

/** Pixels of the element's screenshot within `tolerance` of an #rrggbb colour, counted in the page itself. */
async function pixelsNear(page: Page, png: Buffer, hex: string, tolerance = 40): Promise<number> {
  return page.evaluate(
    async ({ data, hex, tolerance }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, img.width, img.height).data;
      const [r, gr, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < px.length; i += 4)
        if (Math.abs(px[i]! - r!) + Math.abs(px[i + 1]! - gr!) + Math.abs(px[i + 2]! - b!) <= tolerance) n++;
      return n;
    },
    { data: png.toString('base64'), hex, tolerance },
  );
}

test('the map shows the day’s pins and routes, drawn, beside the schedule or alone', async ({ browser, baseURL }) => {
  const page = await openBoard(browser, baseURL!, DESKTOP, 'both');
  const map = page.getByTestId('board-map');
  await expect(map).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  const pins = Number(await map.getAttribute('data-pins'));
  const routes = Number(await map.getAttribute('data-routes'));
  expect(pins).toBeGreaterThan(10);
  expect(routes).toBeGreaterThan(1);
  // What MapLibre actually rendered (queryRenderedFeatures after the map went idle).
  await expect.poll(async () => Number(await map.getAttribute('data-rendered-pins')), { timeout: 15_000 }).toBeGreaterThan(0);

  const shot = await map.screenshot();
  // Scheduled pins and clusters are drawn in the scheduled colour; routes in technicians' colours.
  expect(await pixelsNear(page, shot, STATUS_COLOURS.scheduled)).toBeGreaterThan(30);
  if (SHOOT) await page.screenshot({ path: 'docs/screenshots/board-desktop.png' });

  // The map alone.
  await page.getByTestId('view-map').click();
  await expect(map).toHaveAttribute('data-ready', 'true');
  if (SHOOT) await page.screenshot({ path: 'docs/screenshots/map-desktop.png' });
});

test('the drawer opens a job from the board, and a new job can be started from it', async ({ browser, baseURL }) => {
  const page = await openBoard(browser, baseURL!, DESKTOP, 'schedule');
  const card = page.locator('[data-drop="technician"] [data-job-id]').first();
  const number = ((await card.textContent()) ?? '').match(/#(\d+)/)?.[1];
  await card.dblclick();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toBeVisible();
  await expect(drawer).toContainText(`#${number}`);
  await expect(drawer.getByRole('link', { name: /directions/i })).toBeVisible();
  if (SHOOT) await page.screenshot({ path: 'docs/screenshots/drawer-desktop.png' });
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  await page.getByTestId('new-job').click();
  await expect(page.getByRole('dialog')).toContainText(/new job/i);
});

test('tablet: the board and the map one at a time', async ({ browser, baseURL }) => {
  test.skip(!SHOOT, 'screenshots only (npm run screenshots)');
  const page = await openBoard(browser, baseURL!, TABLET, 'schedule');
  await expect(page.locator('[data-drop="technician"]').first()).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/board-tablet.png' });
  await page.getByTestId('view-map').click();
  await expect(page.getByTestId('board-map')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: 'docs/screenshots/map-tablet.png' });
  await page.getByTestId('view-schedule').click();
  await page.locator('[data-drop="technician"] [data-job-id]').first().dblclick();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/drawer-tablet.png' });
});
