// Lint: Obsidian's own rules for the plugin, typescript-eslint for everything, and import rules that
// keep the layers apart (the contract is pure; plugin and companion share only the contract).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import obsidianmd from 'eslint-plugin-obsidianmd';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'stream', 'net', 'http'];

export default defineConfig([
  { ignores: ['node_modules/', 'main.js', 'demo-vault/', 'demo-vault-state/', 'dist/', '**/*.mjs', 'test/fixtures/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['contract/**/*.ts'],
    ignores: ['contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...nodeBuiltins, 'obsidian', '../companion/*', '../plugin/*', '**/companion/**', '**/plugin/**'], message: 'The vault contract is pure: no Node, no Obsidian, no companion or plugin code.' }] }],
    },
  },
  {
    files: ['companion/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['obsidian', '**/plugin/**'], message: 'The companion runs without Obsidian and shares only the contract with the plugin.' }] }],
    },
  },
  // Obsidian's recommended set, limited to the plugin (its package.json checks are not for a monorepo).
  ...obsidianmd.configs.recommended
    .filter((c) => !c.language && !(c.files ?? []).includes('package.json'))
    .map((c) => (Object.keys(c).length === 1 && c.plugins ? c : { ...c, files: ['plugin/**/*.ts'] })),
  {
    files: ['plugin/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...nodeBuiltins, '**/companion/**'], message: 'The plugin shares only the contract with the companion.' }] }],
    },
  },
  {
    files: ['plugin/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off', 'obsidianmd/no-nodejs-modules': 'off', '@typescript-eslint/no-floating-promises': 'off' },
  },
]);
