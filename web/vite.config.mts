// The approver console's build. Run from the repository root as `vite build web` (npm run build:web):
// the config is found in web/, paths below are relative to it. No React plugin: Vite 8 transforms TSX
// itself with Oxc, and @vitejs/plugin-react's peer ranges conflict with the lock file.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // Gantry serves every file under /ui/assets/ as immutable, so they must carry content hashes.
    assetsDir: 'assets',
    // Inline data: URIs would need CSP exceptions for scripts/fonts; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
