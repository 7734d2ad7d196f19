import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// apiDocs copies Swagger UI's built files, and the script that starts it,
// into the build under apidocs/: the server's API docs page (/api/v1/docs,
// internal/server/docs.go) loads them from there, never from a CDN.
function apiDocs(): Plugin {
  const require = createRequire(import.meta.url);
  const files: Record<string, string> = {
    'swagger-ui-bundle.js': require.resolve('swagger-ui-dist/swagger-ui-bundle.js'),
    'swagger-ui-bundle.js.LICENSE.txt': require.resolve('swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt'),
    'swagger-ui.css': require.resolve('swagger-ui-dist/swagger-ui.css'),
    'init.js': fileURLToPath(new URL('src/apidocs/init.js', import.meta.url)),
  };
  return {
    name: 'parley-api-docs',
    apply: 'build',
    generateBundle() {
      for (const [name, path] of Object.entries(files)) {
        this.emitFile({ type: 'asset', fileName: `apidocs/${name}`, source: readFileSync(path) });
      }
    },
  };
}

// The app is built into dist/app and embedded in the binary (web/embed.go).
// `npm run dev` proxies the API to a `parley serve` on :8080.
export default defineConfig({
  plugins: [svelte(), apiDocs()],
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    // The app, and the chat widget's frame (widget.html), which sites
    // embed; its loader is built apart (vite.loader.config.ts).
    rollupOptions: { input: { app: 'index.html', widget: 'widget.html' } },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
      '/login': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
});
