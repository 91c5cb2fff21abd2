// The realtime results as a Markdown section of bench/RESULTS.md (replacing only its own
// section, like bench/http/report.mjs does for the HTTP one).

export const HEADING = '## Realtime: board room vs y-websocket (bench/realtime)';

const ms = (v) => (v === Infinity ? 'lost' : Number.isFinite(v) ? v.toFixed(1) : '-');
const kb = (b) => (Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KB` : '-');
const yes = (ok) => (ok ? '**met**' : '**not met**');

/** "400" when the top of the ladder still passed, so the capacity is only known to be at least that. */
function capacityText(c) {
  if (!c) return '-';
  if (c.rate === 0) return `< ${c.lowest}`;
  return c.open ? `>= ${c.rate}` : String(c.rate);
}

export function renderSection(run) {
  const { config: cfg, budget } = run;
  const lines = [
    HEADING,
    '',
    `Rerun: \`npm run bench:realtime\` (\`-- --quick\` for a 1-2 minute smoke that writes nothing here; \`--only=room,hocuspocus\` runs some of`,
    `room, reference, hocuspocus; \`--clients=10,25\`, \`--rates=25,100\`, \`--seconds=6\`; \`--wait-quiet=MIN\` waits up to MIN minutes for an idle machine first).`,
    `It starts its own sqld (migrated, demo seeded), adds ${cfg.technicians} technicians and 500-job days to the demo org on dates the demo does`,
    `not use, and runs on free loopback ports \`wrangler dev\` (on a bundle of the Worker made when the run starts, so edits saved meanwhile`,
    `neither change nor reload what is measured), the reference \`@y/websocket-server\` ${run.versions.reference} (\`setupWSConnection\`, in`,
    `memory, its own Node process) and, where run, Hocuspocus \`@hocuspocus/server\` ${run.versions.hocuspocus ?? '-'} with \`@hocuspocus/extension-sqlite\` (its own`,
    `Node process, a SQLite file in a temp folder, its defaults: see the notes at the end). All get the same Yjs clients (y-protocols sync +`,
    `awareness over \`ws\`, one awareness state each; Hocuspocus's framing around the same messages) and the same edits: core/board-doc.ts`,
    `\`placeJob\` moving a job to a technician, 15-minute slot and duration, each client on its own share of the 500 jobs. The peers' doc is`,
    `${run.referenceSeed}; Hocuspocus gets it through a direct connection, stored to SQLite. Raw numbers: \`bench/realtime/results/latest.json\`.`,
    '',
    `- Date: ${run.date}`,
    `- Commit: ${run.commit}`,
    `- Machine: ${run.machine}`,
    `- Edit propagation: an edit is timed from the sender's \`placeJob\` until every observer has applied it (${cfg.observers} observer clients,`,
    `  the rest receive every frame but do not decode it, so the bench process stays below the servers' load; see clients.mjs). Edits`,
    `  are offered open loop at evenly spaced instants, round robin over the clients, for ${cfg.seconds} s per point after a ${cfg.warmupSeconds} s warm-up; an edit`,
    `  not seen everywhere ${cfg.drainMs / 1000} s after the last send is lost and counts as slower than any latency. A ladder stops climbing once p99 >= ${budget.capacityP99} ms.`,
    `  "CPU ms/edit" is CPU time from /proc over the point, less what the process uses when idle, divided by edits sent: room = the`,
    `  whole \`wrangler dev\` process group (wrangler's Node, esbuild's watcher, two workerd) + sqld (the outbox projection); reference, Hocuspocus = its Node process.`,
    '',
    '### Budgets',
    '',
  ];
  for (const b of run.budgets) lines.push(`- ${b.text}: ${b.ok === null ? '**not measured**' : yes(b.ok)}. ${b.detail}`);

  lines.push('', '### Edit propagation (ms, time until every observer has the edit)', '');
  lines.push('A point whose p99 reached the capacity limit was measured twice; the second stands, "(1st: ...)" is the first p99.', '');
  const servers = run.servers;
  const head = ['clients', 'edits/s'];
  const align = ['---:', '---:'];
  for (const s of servers) {
    head.push(`${s.short} p50`, `${s.short} p95`, `${s.short} p99`, `${s.short} lost`, `${s.short} CPU ms/edit`);
    align.push('---:', '---:', '---:', '---:', '---:');
  }
  lines.push(`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`);
  const keys = [...new Set(run.points.map((p) => `${p.clients}:${p.rate}`))];
  for (const key of keys) {
    const [clients, rate] = key.split(':').map(Number);
    const row = [clients, rate];
    for (const s of servers) {
      const p = run.points.find((x) => x.server === s.name && x.clients === clients && x.rate === rate);
      if (!p) row.push('-', '-', '-', '-', '-');
      else
        row.push(
          ms(p.p50),
          ms(p.p95),
          `${ms(p.p99)}${p.firstTry ? ` (1st: ${ms(p.firstTry.p99)})` : ''}`,
          p.lost ? `${p.lost}/${p.counted}` : '0',
          p.cpuMsPerEdit.server.toFixed(2),
        );
    }
    lines.push(`| ${row.join(' | ')} |`);
  }

  const roomPoints = run.points.filter((p) => p.server === 'room' && p.cpuSplit);
  if (roomPoints.length) {
    // wrangler's own Node processes and its esbuild service come and go; one column for them.
    const group = (k) => (/^(node|esbuild)\b/.test(k) ? 'wrangler (Node, esbuild)' : k);
    const grouped = roomPoints.map((p) => {
      const g = {};
      for (const [k, v] of Object.entries(p.cpuSplit)) g[group(k)] = (g[group(k)] ?? 0) + v;
      return g;
    });
    const procs = [...new Set(grouped.flatMap((g) => Object.keys(g)))].sort();
    lines.push('', "### Where the room's CPU goes (ms per edit, above idle)", '');
    lines.push(
      'workerd processes are numbered by PID: `wrangler dev` runs its dev proxy in one and the Worker with its Durable Objects in the other.',
      '',
    );
    lines.push(
      `| clients | edits/s | ${procs.join(' | ')} | room total | bench client |`,
      `| ---: | ---: | ${procs.map(() => '---:').join(' | ')} | ---: | ---: |`,
    );
    roomPoints.forEach((p, i) =>
      lines.push(
        `| ${p.clients} | ${p.rate} | ${procs.map((k) => (grouped[i][k] ?? 0).toFixed(2)).join(' | ')} | ${p.cpuMsPerEdit.server.toFixed(2)} | ${p.cpuMsPerEdit.bench.toFixed(2)} |`,
      ),
    );
  }

  lines.push('', `### Capacity: highest offered rate (edits/s) with p99 < ${budget.capacityP99} ms`, '');
  lines.push(`| clients | ${servers.map((s) => s.label).join(' | ')} |`, `| ---: | ${servers.map(() => '---:').join(' | ')} |`);
  for (const n of cfg.clients) lines.push(`| ${n} | ${servers.map((s) => capacityText(run.capacity[s.name]?.[n])).join(' | ')} |`);

  if (run.docSize) {
    const d = run.docSize;
    lines.push('', `### Doc size after ${d.edits.toLocaleString('en-US')} edits to 500 jobs`, '');
    lines.push(`| | ${servers.map((s) => s.label).join(' | ')} |`, `| --- | ${servers.map(() => '---:').join(' | ')} |`);
    const cell = (name, f) => (d[name] ? f(d[name]) : '-');
    lines.push(
      `| seeded day, \`encodeStateAsUpdate\` of a synced client | ${servers.map((s) => cell(s.name, (x) => kb(x.seededBytes))).join(' | ')} |`,
    );
    lines.push(`| after the edits, synced client, V1 encoding | ${servers.map((s) => cell(s.name, (x) => kb(x.v1Bytes))).join(' | ')} |`);
    lines.push(`| after the edits, synced client, V2 encoding | ${servers.map((s) => cell(s.name, (x) => kb(x.v2Bytes))).join(' | ')} |`);
    const stored = (s) => {
      if (s.name === 'room')
        return cell('room', (x) =>
          x.stored
            ? `${kb(x.stored.snapshotBytes + x.stored.updateBytes)} (${kb(x.stored.snapshotBytes)} + ${x.stored.updates} updates, ${kb(x.stored.updateBytes)})`
            : 'not found',
        );
      if (s.name === 'hocuspocus') return cell('hocuspocus', (x) => (x.storedBytes == null ? 'not found' : kb(x.storedBytes)));
      return 'in memory';
    };
    lines.push(
      `| stored (room: DO SQLite, snapshot + pending updates; Hocuspocus: its SQLite row, the whole state) | ${servers.map(stored).join(' | ')} |`,
    );
    const st = d.room?.stored;
    if (st)
      lines.push(
        `| the room's whole SQLite file (doc, job states, outbox; ${st.freePages} of ${st.pages} pages free), outbox rows not yet in libSQL | ${servers.map((s) => (s.name === 'room' ? `${kb(st.fileBytes)}, ${st.rows?.outbox ?? '?'} rows` : '-')).join(' | ')} |`,
      );
    lines.push(
      `| edits sent / lost / rate | ${servers.map((s) => cell(s.name, (x) => `${x.sent} / ${x.lost} / ${Math.round(x.achievedRate)} per s`)).join(' | ')} |`,
    );
  }

  if (run.coldLoad?.length) {
    lines.push('', '### Load time: WebSocket opened until sync step 2 arrives (ms)', '');
    lines.push('| case | median | min | max | runs |', '| --- | ---: | ---: | ---: | ---: |');
    for (const c of run.coldLoad) lines.push(`| ${c.label} | ${ms(c.median)} | ${ms(c.min)} | ${ms(c.max)} | ${c.runs} |`);
  }
  if (run.notes?.length) lines.push('', ...run.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
