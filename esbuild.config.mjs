// Builds the Obsidian plugin bundle: main.js beside manifest.json and styles.css. The options are
// exported so the Chromium tests and the bundle benchmark build exactly what ships.
import esbuild from 'esbuild';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

/** @type {import('esbuild').BuildOptions} */
export const pluginBuild = {
  entryPoints: [fileURLToPath(new URL('./plugin/main.ts', import.meta.url))],
  bundle: true,
  external: ['obsidian', 'electron', '@codemirror/*', '@lezer/*', ...builtinModules],
  format: 'cjs',
  target: 'es2022',
  logLevel: 'info',
  treeShaking: true,
  outfile: fileURLToPath(new URL('./main.js', import.meta.url)),
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const production = process.argv[2] === 'production';
  const context = await esbuild.context({ ...pluginBuild, sourcemap: production ? false : 'inline', minify: production });
  if (production) {
    await context.rebuild();
    await context.dispose();
  } else {
    await context.watch();
  }
}
