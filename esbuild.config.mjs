// Builds the Obsidian plugin bundle: main.js beside manifest.json and styles.css.
import esbuild from 'esbuild';
import { builtinModules } from 'node:module';

const production = process.argv[2] === 'production';
const context = await esbuild.context({
  entryPoints: ['plugin/main.ts'],
  bundle: true,
  external: ['obsidian', 'electron', '@codemirror/*', '@lezer/*', ...builtinModules],
  format: 'cjs',
  target: 'es2022',
  logLevel: 'info',
  sourcemap: production ? false : 'inline',
  treeShaking: true,
  outfile: 'main.js',
  minify: production,
});
if (production) {
  await context.rebuild();
  await context.dispose();
} else {
  await context.watch();
}
