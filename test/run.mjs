#!/usr/bin/env node
// `npm test`: makes sure the system packages the tests need are there (installing them on Debian when
// it can), then runs every *.test.ts under contract/, companion/, plugin/ and test/ with Node's runner.
// `npm run test:unit` (--unit): the fast lane, only the tests beside the code in contract/, companion/
// and plugin/: pure logic and real files, no Dovecot, no child processes, no workers.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Binary the tests run -> Debian package that brings it. */
const SYSTEM = { dovecot: 'dovecot-imapd', doveadm: 'dovecot-core', chromium: 'chromium' };

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin} || test -x /usr/sbin/${bin}`], { stdio: 'ignore' }).status === 0;
const args = process.argv.slice(2);
const unit = args.includes('--unit');
const missing = unit ? [] : Object.entries(SYSTEM).filter(([bin]) => !has(bin));
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map(([, p]) => p))];
  const debian = existsSync('/etc/debian_version');
  const root_ = process.getuid?.() === 0;
  if (debian && root_) {
    console.log(`installing ${pkgs.join(' ')} for the tests`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=300', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    console.error(`npm test needs ${pkgs.join(', ')}: install ${debian ? `with: sudo apt-get install ${pkgs.join(' ')}` : `Dovecot (${missing.map(([b]) => b).join(', ')})`} and run npm test again`);
    process.exit(1);
  }
}

// The plugin's `import ... from 'obsidian'` resolves to the test double (test/obsidian/).
const OBSIDIAN_DOUBLE = pathToFileURL(join(root, 'test/obsidian/register.mjs')).href;
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'fixtures') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.ts')) files.push(p);
  }
};
for (const d of unit ? ['contract', 'companion', 'plugin'] : ['contract', 'companion', 'plugin', 'test']) if (existsSync(join(root, d)) && statSync(join(root, d)).isDirectory()) walk(join(root, d));
const only = args.filter((a) => a !== '--unit');
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
if (unit) {
  // One process for the fast lane: starting tsx once instead of once per file is most of its time.
  const entry = join(tmpdir(), `aios-unit-${process.pid}.mjs`);
  writeFileSync(entry, selected.sort().map((f) => `await import(${JSON.stringify(pathToFileURL(f).href)});`).join('\n') + '\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', OBSIDIAN_DOUBLE, '--test-reporter=spec', entry], { stdio: 'inherit', cwd: root });
  rmSync(entry, { force: true });
  process.exit(r.status ?? 1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', OBSIDIAN_DOUBLE, '--test', '--test-concurrency=2', '--test-reporter=spec', ...selected.sort()], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
