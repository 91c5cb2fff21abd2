import { buildApp } from './app.ts';

const app = buildApp();

export default { fetch: app.fetch };
