// electron-vite: three builds into out/.
//   main      src/main/index.ts        → out/main/index.js   (ESM; Electron ≥ 28 runs ESM main processes)
//             src/main/runs/worker.ts  → out/main/worker.js  (the trainer worker thread, its own file;
//                                        src/main/runs/worker-path.ts finds it beside the main bundle)
//   preload   src/preload/index.ts     → out/preload/index.cjs (CommonJS, everything bundled: sandboxed
//                                        preloads can neither be ES modules nor require node_modules)
//   renderer  src/renderer/index.html  → out/renderer/          (Vue; also served by browser mode)
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// electron-vite runs from the project folder (it looks for this file in the current directory).
const root = process.cwd();

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          worker: resolve(root, 'src/main/runs/worker.ts'),
        },
      },
      sourcemap: true,
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [vue()],
    build: {
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
      sourcemap: true,
    },
  },
});
