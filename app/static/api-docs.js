// @ts-check
/**
 * The API reference page (/api/docs): fetches /api/openapi.json and renders it, grouped by tag.
 * Served as a static asset because the CSP allows no inline script. Every piece of the document
 * goes into the page through textContent or attributes we control, never as HTML.
 */

/** @typedef {Record<string, any>} Json */

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** How deep nested schemas are spelled out before "…" (keeps recursive shapes finite). */
const MAX_DEPTH = 4;

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string | null | undefined)[]} [children]
 */
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

/** @param {string} text */
function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

/**
 * @param {Json} doc
 * @param {string} ref
 */
function resolveRef(doc, ref) {
  if (!ref.startsWith('#/')) return undefined;
  /** @type {any} */
  let node = doc;
  for (const part of ref.slice(2).split('/')) node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}

/**
 * A schema as TypeScript-like text: `{ id: string; tags?: string[] }`, one field per line.
 * @param {Json} doc
 * @param {Json | undefined} schema
 * @param {number} depth
 * @param {Set<string>} seen  refs being expanded on this path, to stop cycles
 * @returns {string}
 */
function shape(doc, schema, depth = 0, seen = new Set()) {
  if (!schema || typeof schema !== 'object') return 'unknown';
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop() ?? schema.$ref;
    if (seen.has(schema.$ref) || depth >= MAX_DEPTH) return name;
    const target = resolveRef(doc, schema.$ref);
    if (!target) return name;
    const inner = shape(doc, target, depth, new Set([...seen, schema.$ref]));
    return target.type === 'object' || target.properties ? `${name} ${inner}` : inner;
  }
  for (const key of ['oneOf', 'anyOf']) {
    if (Array.isArray(schema[key])) return schema[key].map((/** @type {Json} */ s) => shape(doc, s, depth, seen)).join(' | ');
  }
  if (Array.isArray(schema.allOf)) return schema.allOf.map((/** @type {Json} */ s) => shape(doc, s, depth, seen)).join(' & ');
  if (Array.isArray(schema.enum)) return schema.enum.map((/** @type {unknown} */ v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nullable = types.includes('null') || schema.nullable === true;
  const main = types.filter((/** @type {string} */ t) => t !== 'null');
  let text;
  if (main.includes('array') || schema.items) {
    const item = shape(doc, schema.items, depth + 1, seen);
    text = /[|&\n]/.test(item) ? `(${item})[]` : `${item}[]`;
  } else if (main.includes('object') || schema.properties) {
    const props = Object.entries(schema.properties ?? {});
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    if (!props.length) {
      text = schema.additionalProperties && typeof schema.additionalProperties === 'object' ? `{ [key: string]: ${shape(doc, schema.additionalProperties, depth + 1, seen)} }` : 'object';
    } else if (depth >= MAX_DEPTH) {
      text = '{ … }';
    } else {
      const pad = '  '.repeat(depth + 1);
      const lines = props.map(([k, v]) => `${pad}${k}${required.has(k) ? '' : '?'}: ${shape(doc, v, depth + 1, seen)}`);
      text = `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
    }
  } else {
    text = main.length ? main.join(' | ') : 'unknown';
    if (schema.format) text += ` (${schema.format})`;
  }
  return nullable ? `${text} | null` : text;
}

/**
 * @param {Json} doc
 * @param {Json | undefined} content
 */
function contentShape(doc, content) {
  if (!content) return null;
  const [type, media] = Object.entries(content)[0] ?? [];
  if (!type || !media?.schema) return null;
  return el('div', { class: 'body' }, [el('p', { class: 'media' }, [type]), el('pre', {}, [el('code', {}, [shape(doc, media.schema)])])]);
}

/**
 * @param {Json} doc
 * @param {Json[]} params
 */
function parametersTable(doc, params) {
  const rows = params.map((p) =>
    el('tr', {}, [
      el('td', {}, [el('code', {}, [String(p.name)]), p.required ? el('span', { class: 'req', title: 'required' }, [' *']) : null]),
      el('td', {}, [String(p.in)]),
      el('td', {}, [el('code', {}, [shape(doc, p.schema)])]),
      el('td', {}, [String(p.description ?? p.schema?.description ?? '')]),
    ]),
  );
  return el('table', {}, [
    el('caption', { class: 'visually-hidden' }, ['Parameters']),
    el('thead', {}, [el('tr', {}, ['Name', 'In', 'Type', 'Description'].map((h) => el('th', { scope: 'col' }, [h])))]),
    el('tbody', {}, rows),
  ]);
}

/**
 * @param {Json} doc
 * @param {string} method
 * @param {string} path
 * @param {Json} op
 */
function operation(doc, method, path, op) {
  const id = `op-${slug(op.operationId ?? `${method}-${path}`)}`;
  const params = [...(op.parameters ?? [])].map((p) => (p.$ref ? resolveRef(doc, p.$ref) ?? p : p));
  const parts = [
    el('h3', { id }, [el('span', { class: `method m-${method}` }, [method.toUpperCase()]), ' ', el('code', { class: 'path' }, [path])]),
    op.summary ? el('p', { class: 'summary' }, [String(op.summary)]) : null,
    op.description ? el('p', {}, [String(op.description)]) : null,
    el('p', { class: 'perm' }, ['Permission: ', el('code', {}, [String(op['x-permission'] ?? 'not stated')])]),
  ];
  if (params.length) parts.push(el('h4', {}, ['Parameters']), parametersTable(doc, params));
  const reqBody = op.requestBody?.$ref ? resolveRef(doc, op.requestBody.$ref) : op.requestBody;
  const req = contentShape(doc, reqBody?.content);
  if (req) parts.push(el('h4', {}, ['Request body']), req);
  const responses = Object.entries(op.responses ?? {});
  if (responses.length) {
    parts.push(
      el('h4', {}, ['Responses']),
      el(
        'dl',
        { class: 'responses' },
        responses.flatMap(([status, r]) => [
          el('dt', {}, [el('span', { class: `status s${status[0]}` }, [status])]),
          el('dd', {}, [String(r?.description ?? ''), contentShape(doc, r?.content)]),
        ]),
      ),
    );
  }
  return el('article', { class: 'op', 'aria-labelledby': id }, parts);
}

/** @param {Json} doc */
function render(doc) {
  /** @type {Map<string, {method: string, path: string, op: Json}[]>} */
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const tag = String(op.tags?.[0] ?? 'Other');
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)?.push({ method, path, op });
    }
  }
  const described = new Map((doc.tags ?? []).map((/** @type {Json} */ t) => [t.name, t.description]));
  const tags = [...byTag.keys()].sort((a, b) => a.localeCompare(b));
  const intro = [
    el('p', { class: 'version' }, [`${doc.info?.title ?? 'API'} ${doc.info?.version ?? ''} · OpenAPI ${doc.openapi ?? ''}`]),
    doc.info?.description ? el('p', {}, [String(doc.info.description)]) : null,
    el('nav', { 'aria-label': 'Resources' }, [
      el('ul', { class: 'toc' }, tags.map((t) => el('li', {}, [el('a', { href: `#tag-${slug(t)}` }, [`${t} (${byTag.get(t)?.length ?? 0})`])]))),
    ]),
  ];
  const sections = tags.map((t) =>
    el('section', { id: `tag-${slug(t)}`, class: 'tag', 'aria-labelledby': `tag-${slug(t)}-h` }, [
      el('h2', { id: `tag-${slug(t)}-h` }, [t]),
      described.get(t) ? el('p', {}, [String(described.get(t))]) : null,
      ...(byTag.get(t) ?? []).map(({ method, path, op }) => operation(doc, method, path, op)),
    ]),
  );
  return [...intro, ...sections].filter(/** @returns {n is HTMLElement} */ (n) => n !== null);
}

async function main() {
  const root = document.getElementById('reference');
  if (!root) return;
  root.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch('/api/openapi.json', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`The server answered ${res.status}.`);
    const doc = await res.json();
    root.replaceChildren(...render(doc));
    // Arriving with #tag-… in the URL: the content exists only now, so scroll to it now.
    if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
  } catch (err) {
    root.replaceChildren(
      el('p', { role: 'alert', class: 'error' }, [`The API description could not be loaded. ${err instanceof Error ? err.message : ''}`]),
    );
  } finally {
    root.removeAttribute('aria-busy');
  }
}

void main();
