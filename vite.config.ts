import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-static';
import { defineConfig } from 'vite';

// Kit 3 takes its config here. The app is a SPA: adapter-static with an index.html fallback,
// served by the Worker's static assets (STACK.md: no working Cloudflare adapter for Kit 3).
export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false }),
      files: { src: 'app/src', assets: 'app/static' },
      outDir: '.svelte-kit',
    }),
  ],
  server: { host: '127.0.0.1' },
});
