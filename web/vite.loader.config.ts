import { defineConfig } from 'vite';

// The chat widget's loader (src/widget/loader.ts), built on its own as a
// classic script, dist/app/widget.js, which sites load with a <script> tag
// (not a module). Runs after the app's build, into the same folder.
export default defineConfig({
  build: {
    outDir: 'dist/app',
    emptyOutDir: false,
    target: 'es2020',
    lib: {
      entry: 'src/widget/loader.ts',
      formats: ['iife'],
      name: 'parleyChat',
      fileName: () => 'widget.js',
    },
  },
});
