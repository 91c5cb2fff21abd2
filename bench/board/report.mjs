// The board bench's tables (printed, and the bench/RESULTS.md section). A rerun replaces only
// its own section, from its heading to the next level-2 heading.

export const HEADING = '## Board (bench/board)';

export const BUDGET = { interactiveMs: 1000, panFps: 30, scheduleJsGzipKB: 200 };

const sorted = (xs) => [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
function pct(xs, p) {
  const s = sorted(xs);
  if (!s.length) return null;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const med = (xs) => pct(xs, 50);
const f0 = (x) => (x == null || !Number.isFinite(x) ? '-' : x.toFixed(0));
const f1 = (x) => (x == null || !Number.isFinite(x) ? '-' : x.toFixed(1));
const kb = (b) => (b / 1024).toFixed(1);
const yes = (ok) => (ok ? 'met' : 'not met');
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map((h, i) => (i === 0 || h === 'case' || h === 'view' || h === 'map' ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

function summary(r) {
  const busyFresh = r.interactive.busy.coldCache.map((x) => x.marks.interactive);
  const busyAll = [...busyFresh, ...r.interactive.busy.warmCache.map((x) => x.marks.interactive)];
  const coldRoom = r.interactive.busy.coldRoom.map((x) => x.marks.interactive);
  // The budget is judged in the 1920x1080 window, the one the other measurements use.
  const panFps = (kind, view) => r.maps[kind].filter((m) => m.viewport === 'wide').map((m) => m.pans[view].redrawFps);
  const tabletFps = (kind, view) => r.maps[kind].filter((m) => m.viewport === 'tablet').map((m) => m.pans[view].redrawFps);
  const jsKB = r.js.schedule.jsGzip / 1024;
  return {
    busyFresh,
    busyAll,
    coldRoom,
    interactiveOk: pct(busyAll, 95) <= BUDGET.interactiveMs,
    panFitted: med(panFps('pins', 'fitted')),
    panStreet: med(panFps('pins', 'street')),
    refFitted: med(panFps('corners', 'fitted')),
    refStreet: med(panFps('corners', 'street')),
    panOk: Math.min(...panFps('pins', 'fitted'), ...panFps('pins', 'street')) >= BUDGET.panFps,
    lowest: Math.min(...panFps('pins', 'fitted'), ...panFps('pins', 'street')),
    tablet: {
      fitted: med(tabletFps('pins', 'fitted')),
      street: med(tabletFps('pins', 'street')),
      refFitted: med(tabletFps('corners', 'fitted')),
      refStreet: med(tabletFps('corners', 'street')),
    },
    jsKB,
    jsOk: jsKB <= BUDGET.scheduleJsGzipKB,
  };
}

export function renderTables(r) {
  const s = summary(r);
  const out = [];
  const rowsN = r.data.activeTechnicians;

  out.push('### Budgets\n');
  out.push(
    `- interactive <= 1 s (2,000 jobs, schedule view, 1920x1080): **${yes(s.interactiveOk)}**. p95 ${f0(pct(s.busyAll, 95))} ms, median ${f0(med(s.busyAll))} ms over ${s.busyAll.length} opens of a day whose room was already open (fresh browser context and the same context again); the same page on a day with no jobs is shown after ${f0(med(r.interactive.empty.coldCache.map((x) => x.marks.shown)))} ms (fresh context, median). The first open of a day, when the room seeds itself from libSQL: median ${f0(med(s.coldRoom))} ms (${s.coldRoom.length} days${s.coldRoom.length ? `, max ${f0(Math.max(...s.coldRoom))}` : ''}).`,
  );
  out.push(
    `- map pan >= 30 fps with 10,000 pins (1920x1080 window, every pan >= 30): **${yes(s.panOk)}**. Median ${f1(s.panFitted)} fps at the fitted view (clusters) and ${f1(s.panStreet)} fps at street level (no clusters; every pin in view drawn), lowest pan ${f1(s.lowest)}; the same map with 2 pins (the reference): ${f1(s.refFitted)} and ${f1(s.refStreet)} fps. In a 1024x768 window: ${f1(s.tablet.fitted)} and ${f1(s.tablet.street)} fps, reference ${f1(s.tablet.refFitted)} and ${f1(s.tablet.refStreet)}. Software GL (SwiftShader), see below.`,
  );
  out.push(
    `- board view JavaScript without the map <= 200 KB gzip: **${yes(s.jsOk)}**. ${kb(r.js.schedule.jsGzip)} KB gzip (${kb(r.js.schedule.js)} KB raw, ${r.js.schedule.files} files); the map adds ${kb(r.js.map.jsGzip)} KB gzip of JavaScript (${kb(r.js.map.js)} KB raw) and ${kb(r.js.map.basemapGzip)} KB gzip of basemap JSON.`,
  );

  // Interactive
  const lines = [];
  const add = (label, runs, budget) => {
    const shown = runs.map((x) => x.marks.shown);
    const inter = runs.map((x) => x.marks.interactive).filter((x) => x != null);
    lines.push([
      label,
      String(runs.length),
      f0(med(shown)),
      f0(pct(shown, 95)),
      inter.length ? f0(med(inter)) : '-',
      inter.length ? f0(pct(inter, 95)) : '-',
      budget ? (inter.length ? (pct(inter, 95) <= BUDGET.interactiveMs ? 'yes' : 'no') : '-') : 'reference',
    ]);
  };
  add('2,000 jobs, room already open, fresh browser context', r.interactive.busy.coldCache, true);
  add('2,000 jobs, room already open, same context again (warm cache)', r.interactive.busy.warmCache, true);
  add('2,000 jobs, first open of the day (room seeds from libSQL)', r.interactive.busy.coldRoom, true);
  add('no jobs, room already open, fresh browser context', r.interactive.empty.coldCache, false);
  add('no jobs, room already open, same context again (warm cache)', r.interactive.empty.warmCache, false);
  add('no jobs, first open of the day', r.interactive.empty.coldRoom, false);
  const mapRow0 = (label, runs) => {
    if (!runs.length) return;
    const shown = runs.map((x) => x.marks.shown);
    lines.push([label, String(shown.length), f0(med(shown)), f0(pct(shown, 95)), '-', '-', 'not budgeted']);
  };
  const wideLoads = r.maps.pins.filter((m) => m.viewport === 'wide').map((m) => m.load);
  mapRow0('10,000 jobs (the map day), first open (room seeds from libSQL)', wideLoads.slice(0, 1));
  mapRow0('10,000 jobs (the map day), room already open, fresh browser context', wideLoads.slice(1));
  out.push(`\n### Interactive (ms from navigation start; ${rowsN} technician rows, 1920x1080, schedule view)\n`);
  out.push(table(['case', 'opens', 'shown median', 'shown p95', 'interactive median', 'interactive p95', 'p95 <= 1 s'], lines));

  // Where the time goes
  const where = (label, runs) => {
    const m = (k) => med(runs.map((x) => x[k]));
    const mk = (k) => med(runs.map((x) => x.marks[k]));
    return [
      label,
      f0(m('html')),
      f0(m('scripts')),
      f0(m('me')),
      f0(m('technicians')),
      f0(m('wsCreated')),
      f0(m('wsOpen')),
      `${f0(m('sync2'))} (${kb(med(runs.map((x) => x.sync2Bytes)) ?? 0)} KB)`,
      f0(mk('loaded')),
      f0(mk('shown')),
      f0(mk('interactive')),
      `${f0(m('longTaskMs'))} (${f0(m('longestTaskMs'))})`,
    ];
  };
  out.push('\n### Where the load time goes (medians, ms from navigation start)\n');
  out.push(
    table(
      [
        'case',
        'HTML',
        'last script',
        '/api/auth/me',
        '/api/technicians',
        'socket made',
        'socket open',
        'sync step 2 in (size)',
        'data-loaded seen',
        'shown',
        'click answered',
        'long tasks before shown (longest)',
      ],
      [
        where('2,000 jobs, fresh context', r.interactive.busy.coldCache),
        where('2,000 jobs, warm cache', r.interactive.busy.warmCache),
        where('2,000 jobs, first open (room seeds)', r.interactive.busy.coldRoom),
        where('no jobs, fresh context', r.interactive.empty.coldCache),
        where('no jobs, warm cache', r.interactive.empty.warmCache),
        ...(wideLoads.length ? [where('10,000 jobs, first open (room seeds)', wideLoads.slice(0, 1))] : []),
        ...(wideLoads.length > 1 ? [where('10,000 jobs, fresh context', wideLoads.slice(1))] : []),
      ],
    ),
  );

  // Drops
  const dropRow = (label, list, ref) => {
    const total = list.map((d) => d.painted - d.input);
    return [
      label,
      String(list.length),
      f1(med(total)),
      f1(pct(total, 95)),
      f1(total.length ? Math.max(...total) : null),
      f1(med(list.map((d) => d.dispatched - d.input))),
      f1(med(list.map((d) => d.dom - d.dispatched))),
      f1(med(list.map((d) => d.frame - d.dom))),
      f1(med(list.map((d) => d.painted - d.frame))),
      ref ? 'reference' : '',
    ];
  };
  out.push("\n### Drop to paint (ms from the pointerup event's timestamp until the card is painted in its new place)\n");
  out.push(
    table(
      [
        'case',
        'n',
        'median',
        'p95',
        'max',
        'input -> dispatch',
        'dispatch -> DOM changed',
        'DOM -> next frame',
        'frame -> painted',
        'note',
      ],
      [
        dropRow(
          'drop on the same row (later slot)',
          r.drops.drops.filter((d) => d.sameRow),
        ),
        dropRow(
          "drop on another technician's row",
          r.drops.drops.filter((d) => !d.sameRow),
        ),
        dropRow('all drops', r.drops.drops),
        dropRow('same gesture on a pad whose pointerup only changes its colour', r.drops.pad, true),
      ],
    ),
  );

  // Map
  const mapRow = (label, list, view, ref) => {
    const p = list.map((m) => m.pans[view]);
    const size = list[0] ? `${list[0].open.width}x${list[0].open.height}` : '-';
    return [
      label,
      size,
      view === 'fitted' ? 'fitted to the day' : `street level (+${p[0]?.zoomSteps ?? '?'} zoom steps)`,
      f0(med(p.map((x) => x.renderedPins))),
      f0(med(p.map((x) => x.renderedClusters))),
      String(p.length),
      f1(med(p.map((x) => x.redrawFps))),
      f1(p.length ? Math.min(...p.map((x) => x.redrawFps)) : null),
      f1(med(p.map((x) => x.fps))),
      f1(med(p.map((x) => x.p95Ms))),
      f0(p.length ? Math.max(...p.map((x) => x.worstMs)) : null),
      f0(med(p.map((x) => x.over50))),
      `${f0(med(p.map((x) => x.moves)))} / ${f0(med(p.map((x) => x.movesSeen)))}`,
      ref ? 'reference' : med(p.map((x) => x.redrawFps)) >= BUDGET.panFps ? 'yes' : 'no',
    ];
  };
  const vps = [...new Set(r.maps.pins.map((m) => m.viewport))];
  const of = (kind, vp) => r.maps[kind].filter((m) => m.viewport === vp);
  const windowOf = (vp) => (vp === 'wide' ? '1920x1080 window' : '1024x768 window');
  out.push(
    `\n### Map pan (${r.config.panMs / 1000} s drags, a mouse move sent every 8 ms; "map fps": frames per second in which MapLibre redrew, counted in the page)\n`,
  );
  const mapRows = [];
  for (const vp of vps) {
    for (const view of ['fitted', 'street']) {
      mapRows.push(mapRow(`10,000 pins, ${windowOf(vp)}`, of('pins', vp), view));
      mapRows.push(mapRow(`2 pins (corners of the same box), ${windowOf(vp)}`, of('corners', vp), view, true));
    }
  }
  out.push(
    table(
      [
        'map',
        'map px',
        'view',
        'pins drawn',
        'clusters drawn',
        'pans',
        'map fps median',
        'map fps lowest',
        'all frames/s',
        'p95 frame ms',
        'worst frame ms',
        'frames > 50 ms',
        'moves sent / mousemove events in the page',
        'map fps >= 30',
      ],
      mapRows,
    ),
  );
  const open = (list) => f0(med(list.map((m) => m.open.firstIdleMs)));
  out.push(
    `\nOpening the map (the "Map" button until MapLibre's first idle with the pins counted; the map code is fetched then, each context being fresh), ${windowOf('wide')}: ${open(of('pins', 'wide'))} ms with 10,000 pins, ${open(of('corners', 'wide'))} ms with 2 (medians).`,
  );

  // JS
  out.push('\n### JavaScript per view (gzip -9 of the bytes the browser loaded, computed here)\n');
  const j = r.js;
  out.push(
    table(
      ['view', 'files', 'raw KB', 'gzip KB', 'budget'],
      [
        [
          'board, schedule view (everything loaded for `/board/<day>`)',
          String(j.schedule.files),
          kb(j.schedule.js),
          kb(j.schedule.jsGzip),
          `<= 200 KB: ${j.schedule.jsGzip / 1024 <= BUDGET.scheduleJsGzipKB ? 'yes' : 'no'}`,
        ],
        ['what the map view adds (MapLibre, its worker, the map component)', String(j.map.files), kb(j.map.js), kb(j.map.jsGzip), ''],
        ['schedule + map', String(j.schedule.files + j.map.files), kb(j.schedule.js + j.map.js), kb(j.schedule.jsGzip + j.map.jsGzip), ''],
        [
          '(not JS) CSS: schedule view / map adds',
          '',
          `${kb(j.schedule.css)} / ${kb(j.map.css)}`,
          `${kb(j.schedule.cssGzip)} / ${kb(j.map.cssGzip)}`,
          '',
        ],
        ['(not JS) the offline basemap JSON, fetched by the map', '', kb(j.map.basemap), kb(j.map.basemapGzip), ''],
      ],
    ),
  );
  const big = j.files
    .filter((f) => f.kind === 'js')
    .sort((a, b) => b.gzip - a.gzip)
    .slice(0, 6)
    .map((f) => `\`${f.url.replace(/^.*\//, '')}\` ${kb(f.gzip)} KB (${f.phase})`);
  out.push(`\nLargest files (gzip): ${big.join(', ')}. Served by \`wrangler dev\` with content-encoding: ${j.servedEncodings.join(', ')}.`);
  return out.join('\n');
}

/** Differences between each measurement and its reference, in words (computed, so a rerun keeps them true). */
function findings(r) {
  const _s = summary(r);
  const shown = (list) => med(list.map((x) => x.marks.shown));
  const b = r.interactive.busy;
  const e = r.interactive.empty;
  const out = [];
  const click = med(b.coldCache.concat(b.warmCache).map((x) => x.marks.interactive - x.marks.shown));
  const sync = med(b.coldCache.map((x) => x.marks.loaded - x.sync2));
  out.push(
    `- Interactive: the 2,000 jobs cost ${f0(shown(b.coldCache) - shown(e.coldCache))} ms over the same page with no jobs in a fresh context (${f0(shown(b.coldCache))} vs ${f0(shown(e.coldCache))} ms) and ${f0(shown(b.warmCache) - shown(e.warmCache))} ms with a warm cache (${f0(shown(b.warmCache))} vs ${f0(shown(e.warmCache))}): the room's sync step 2 (${kb(med(b.coldCache.map((x) => x.sync2Bytes)))} KB) arrives ${f0(med(b.coldCache.map((x) => x.sync2 - x.wsOpen)))} ms after the socket opens, then applying it and rendering the day takes ~${f0(sync)} ms until \`data-loaded\` is seen and ~${f0(med(b.coldCache.map((x) => x.marks.shown - x.marks.loaded)))} ms more until every row, card and queue entry is painted (${f0(med(b.coldCache.map((x) => x.longTaskMs)))} ms of long tasks before "shown"); the click on a card then takes ${f0(click)} ms to paint its selection. In a fresh context most of the time is the app shell itself, which the empty day pays too (the last script arrives at ~${f0(med(b.coldCache.map((x) => x.scripts)))} ms and the board's socket is made after \`/api/auth/me\`, at ~${f0(med(b.coldCache.map((x) => x.wsCreated)))} ms). A day's first open waits for the room to seed itself from libSQL before the socket opens (socket open at ${f0(med(b.coldRoom.map((x) => x.wsOpen)))} ms vs ${f0(med(b.coldCache.map((x) => x.wsOpen)))} ms on an open room).`,
  );
  const d = r.drops.drops.map((x) => x.painted - x.input);
  const pad = r.drops.pad.map((x) => x.painted - x.input);
  out.push(
    `- Drop to paint: median ${f1(med(d))} ms against the frame floor's ${f1(med(pad))} ms on the same page, so the drop costs about ${f1(med(d) - med(pad))} ms over a bare style change; the app's own work (pointerup dispatched until the card's DOM changed: ending the move, \`placeJob\` on the Yjs doc, a new snapshot of all 2,000 jobs, the rules over the whole day, then Svelte's update of the rows involved) takes a median ${f1(med(r.drops.drops.map((x) => x.dom - x.dispatched)))} ms, most of it inside the wait for the next frame that the pad spends idle (${f1(med(r.drops.pad.map((x) => x.frame - x.dom)))} ms).`,
  );
  const wide = (kind, view) => med(r.maps[kind].filter((m) => m.viewport === 'wide').map((m) => m.pans[view].redrawFps));
  const tab = (kind, view) => med(r.maps[kind].filter((m) => m.viewport === 'tablet').map((m) => m.pans[view].redrawFps));
  const px = (vp) => {
    const m = r.maps.pins.find((x) => x.viewport === vp);
    return m ? m.open.width * m.open.height : null;
  };
  const share = (pins, ref) => (ref > 0 ? Math.round((100 * (ref - pins)) / ref) : null);
  const cost = (_vp, f) => ['fitted', 'street'].map((v) => share(f('pins', v), f('corners', v)));
  const [wf, ws] = cost('wide', wide);
  const [tf, ts] = cost('tablet', tab);
  const says = (a, b) =>
    Math.max(a, b) <= 10
      ? 'the pins cost next to nothing there'
      : `the pins cost ${Math.max(0, a)}% of the frame rate at the fitted view and ${Math.max(0, b)}% at street level`;
  out.push(
    `- Map pan: in the 1920x1080 window the reference (the basemap with 2 pins) redraws at ${f1(wide('corners', 'fitted'))} fps at the fitted view and ${f1(wide('corners', 'street'))} at street level, and the 10,000-pin map at ${f1(wide('pins', 'fitted'))} and ${f1(wide('pins', 'street'))}: ${says(wf, ws)}${Math.max(wide('corners', 'fitted'), wide('corners', 'street')) < BUDGET.panFps ? `, and the reference itself is below 30 fps: the ceiling is the software renderer filling ${px('wide') ? `${(px('wide') / 1e6).toFixed(2)} million` : 'the'} canvas pixels per frame` : ''}. In the 1024x768 window (${px('tablet') && px('wide') ? `${Math.round((100 * px('tablet')) / px('wide'))}% of those pixels` : 'fewer pixels'}) the reference reaches ${f1(tab('corners', 'fitted'))} and ${f1(tab('corners', 'street'))} fps and the 10,000 pins ${f1(tab('pins', 'fitted'))} and ${f1(tab('pins', 'street'))}: ${says(tf, ts)}. Read each row against its reference for what the pins add; no machine with a GPU was measured, so these are not the frame rates a dispatcher's laptop would show. In the wide window the page's main thread is in long tasks for ${f0(med(r.maps.corners.filter((m) => m.viewport === 'wide').map((m) => m.pans.fitted.longTaskMs)))} ms of each ${r.config.panMs / 1000} s pan even for the reference. At the fitted view the 10,000 pins are drawn as ${f0(med(r.maps.pins.filter((m) => m.viewport === 'wide').map((m) => m.pans.fitted.renderedClusters)))} cluster circles (the jobs source clusters up to zoom 13, maps/style.ts); at street level ${f0(med(r.maps.pins.filter((m) => m.viewport === 'wide').map((m) => m.pans.street.renderedPins)))} pins are in view, each drawn.`,
  );
  out.push(
    `- JavaScript: the schedule view loads ${kb(r.js.schedule.jsGzip)} KB gzip of JavaScript (budget 200); opening the map fetches ${kb(r.js.map.jsGzip)} KB gzip more (MapLibre and its worker), plus ${kb(r.js.map.basemapGzip)} KB gzip of basemap JSON, only when the map is shown.`,
  );
  return out.join('\n');
}

export function renderSection(r) {
  const m = r.machine;
  const d = r.data;
  const busy = d.days[d.busy[0]];
  const mapDay = d.days[d.mapDay];
  const lines = [
    HEADING,
    '',
    'Rerun: `npm run bench:board` (`-- --quick` for a 2-3 minute smoke that writes only `bench/board/results/quick.json`; `--no-write`;',
    '`--rebuild` to build the app even when build/ looks fresh; `--wait-quiet=MIN` to wait up to MIN minutes for an idle machine first;',
    '`--runs=N`, `--drops=N`). It builds the app (`npm run build:app`, skipped',
    'when build/ is newer than its sources), bundles the Worker and copies build/ (so edits saved meanwhile change nothing measured),',
    'starts sqld (migrated, demo seeded) and `wrangler dev` on free loopback ports (bench/http/stack.mjs), adds 100 technicians and',
    'its days to the demo org straight into libSQL (bench/board/days.mjs), signs in as the demo dispatcher and drives the real',
    `board page in headless Chromium (\`/usr/bin/chromium\`, the flags of playwright.config.ts). Every time is taken inside the page with`,
    '`performance.now()`; "painted" is the first `requestAnimationFrame` after the change plus a `MessageChannel` message posted from',
    'it (delivered once that frame is styled, laid out and painted). Raw numbers: `bench/board/results/latest.json`.',
    '',
    `- Date: ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    `- Commit: ${r.commit}${r.dirty.length ? ` (plus uncommitted changes in ${[...new Set(r.dirty.map((l) => l.slice(3).split('/')[0]))].join(', ')} at the time)` : ''}`,
    `- Machine: ${m.cpus} CPUs (${m.cpu}), ${m.memGiB} GiB RAM, shared with other work; Node ${m.node}, Chromium ${m.chromium} headless, wrangler ${m.wrangler}, MapLibre ${m.maplibre}, Svelte ${m.svelte}; load average ${m.load.before[0]} before, ${m.load.after[0]} after (1 min; "after" includes this bench's own load)`,
    `- WebGL: ${m.renderer}. There is no GPU: Chromium draws the map with SwiftShader, a software renderer running on the same 2 CPUs as everything else.`,
    `- Data: ${d.activeTechnicians} technician rows (${d.counts.technicians} bench technicians, shift 07:00-17:00, plus the demo's ${d.activeTechnicians - d.counts.technicians}). The 2,000-job day (${d.busy[0]}): ${busy.scheduled} jobs on the bench technicians (19 each, every 30 min from 07:30, 25 min long, near the technician's home: ${busy.warned} with a rule warning) and ${busy.queued} waiting in the queue. The map day (${d.mapDay}): ${mapDay.scheduled} jobs (99 per technician, every 6 min) and ${mapDay.queued} queued, spread over the Austin metro as the demo spreads its customers; ${mapDay.warned} carry warnings (stored beforehand as the room computes them, so the room writes nothing back when it opens). Its routes are not drawn: each has 99 stops, over the map's 50-stop limit (maps/features.ts MAX_ROUTE_STOPS), so the map shows the basemap, 10,000 pins or clusters and 100 home dots.`,
    '- References, measured in the same run and the same way:',
    '  - interactive: the same page on a day with no jobs (same rows, same room connection): what the app shell, the sign-in check, the technicians and the room cost before any job is drawn;',
    "  - drop to paint: the same mouse gesture (press, 8 moves, release) on a pad added to the same page (2,000 jobs mounted) whose pointerup handler only changes the pad's colour: the input-to-frame floor of this browser on this machine;",
    "  - map pan: the same map with 2 jobs placed at the south-west and north-east corners of the 10,000 pins, so it fits exactly the same view, then the same pan and the same keyboard zoom: the basemap's ceiling in this browser (and the 100 home dots, on both).",
    '- Interactive: navigation start until the first frame showing the whole day (the board `data-loaded`, the grid with every row and all 1,900 placed jobs, the 100 queued cards, a card in view) is painted ("shown"), then a click on that card (`element.click()` in the page) until its selection is painted ("interactive"). Each "fresh browser context" run is a new context (empty HTTP cache) signed in with the saved session; "warm cache" is a second navigation in that context.',
    '',
    renderTables(r),
    '',
    '### What the numbers say',
    '',
    findings(r),
    '',
  ];
  return lines.join('\n');
}
