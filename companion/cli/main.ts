// The `aios` command line. Its surface (commands, flags, exit codes) is documented in the README and
// relied on by scripts: keep it stable. Exit codes: 0 ok or skipped, 1 a job failed, 2 bad usage or setup.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initVault } from '../core/init.ts';
import { Runtime, type RunRecord } from '../core/runtime.ts';
import { JOBS, MODELS } from '../modules.ts';
import { acquireLock, awaitAnswer, LockHeld, submitRequest, takeLease } from '../core/lock.ts';
import { buildStatus, renderStatus } from '../core/status.ts';
import { startService, type ServiceHandle } from '../core/service.ts';
import { defaultSecretsFile, setSecret } from '../core/secrets.ts';
import { runJobs } from '../core/once.ts';
import { runDemo } from './demo.ts';
import { ACT_REQUESTS, parsePeriod, type ActRequest } from '../reconcile/acts.ts';
import { linkTarget, linkTo } from '../../contract/index.ts';

/** Files the owner's request for an act where the reconcile job (here or in the running service) takes it. */
function requestAct(rt: Runtime, counterparty: string, period: string): void {
  const p = parsePeriod(period);
  if (typeof p === 'string') throw new UsageError(p);
  const name = linkTarget(counterparty) ?? counterparty.trim();
  const cp = rt.index.findCounterparty({ name });
  if (!cp) throw new UsageError(`no counterparty "${name}" in the vault (a note in ${rt.vault.folder('counterparty')}/ with that name or alias)`);
  const req: ActRequest = { counterparty: linkTo(cp.name), from: p.from, to: p.to };
  const state = rt.state.sub('reconcile');
  if (!state.readLines(ACT_REQUESTS).includes(JSON.stringify(req))) state.appendLine(ACT_REQUESTS, JSON.stringify(req));
}

const USAGE = `aios: the AIOS companion

  aios init <vault>                         create a vault from the template (adds only what is missing)
  aios run --vault <vault>                  run the service: schedules, watchers, live mail
  aios once <job|all> --vault <vault>       run one job now (jobs: ${JOBS.map((j) => j.name).join(', ') || 'none registered'})
  aios once reconcile --counterparty <name> --period <2026-11|2026-Q4|2026|from..to> --vault <vault>
                                            also make the act of reconciliation with that counterparty
  aios status --vault <vault> [--json]      runs, sources, pending work, unreadable notes, settings
  aios secret set <name>                    store a secret (value read from standard input) outside the vault
  aios demo [--dir demo-vault] [--language en|ru]
                                            build the demo vault and run every job on it, offline (in the
                                            demo business's Russian unless --language says otherwise)

Options: --state-dir <dir> (or AIOS_STATE_DIR), --json`;

export function line(r: RunRecord): string {
  return `${r.job.padEnd(12)} ${r.status.padEnd(8)} ${r.summary}`;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { vault: { type: 'string' }, 'state-dir': { type: 'string' }, json: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' },
        counterparty: { type: 'string' }, period: { type: 'string' }, language: { type: 'string' } },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return command || values.help ? 0 : 2;
  }
  const needVault = (): string => {
    const v = values.vault ?? process.env.AIOS_VAULT;
    if (!v) throw new UsageError(`aios ${command}: --vault <folder> is required`);
    return resolve(v);
  };
  const runtime = () => {
    const vaultRoot = needVault();
    const rt = new Runtime({ vaultRoot, stateDir: values['state-dir'] ? resolve(values['state-dir']) : undefined, models: MODELS });
    // Every command says which settings it could not use, until they are fixed.
    for (const p of rt.settings.problems) process.stderr.write(`aios: setting not used: ${p}\n`);
    return rt;
  };

  try {
    switch (command) {
      case 'init': {
        const target = arg ?? values.vault;
        if (!target) throw new UsageError('aios init <vault>');
        const r = initVault(resolve(target));
        process.stdout.write(`${resolve(target)}: created ${r.created.length} files, kept ${r.kept.length} that existed\n`);
        return 0;
      }
      case 'once': {
        if (!arg) throw new UsageError('aios once <job|all> --vault <vault>');
        const selected = arg === 'all' ? JOBS : JOBS.filter((j) => j.name === arg);
        if (arg !== 'all' && selected.length === 0) throw new UsageError(`unknown job "${arg}"; jobs: ${JOBS.map((j) => j.name).join(', ')}, all`);
        if (values.counterparty !== undefined || values.period !== undefined) {
          if (arg !== 'reconcile' || !values.counterparty || !values.period) throw new UsageError('an act of reconciliation: aios once reconcile --counterparty <name> --period <period> --vault <vault>');
        }
        const rt = runtime();
        if (values.counterparty && values.period) requestAct(rt, values.counterparty, values.period);
        takeLease(rt);
        let release: () => void;
        for (;;) {
          try {
            release = acquireLock(rt.state.dir, 'once');
            break;
          } catch (e) {
            if (!(e instanceof LockHeld)) throw e;
            if (e.holder.mode === 'service') {
              process.stdout.write(`handing "${arg}" to the running service (pid ${e.holder.pid})\n`);
              const answer = await awaitAnswer(rt.state.dir, submitRequest(rt.state.dir, arg), e.holder, 30 * 60_000);
              if (answer === 'timeout') throw new Error('the running service did not answer within 30 minutes');
              if (answer !== 'holder-gone') {
                for (const r of answer) process.stdout.write(line(r) + '\n');
                return answer.some((r) => r.status === 'failed') ? 1 : 0;
              }
              // Jobs are idempotent: running one again that the service may have half-run is safe.
              process.stdout.write(`the service (pid ${e.holder.pid}) stopped before answering; running "${arg}" here\n`);
              continue;
            }
            await new Promise((r) => setTimeout(r, 500));
          }
        }
        try {
          const records = await runJobs(rt, selected, { sweepImports: arg === 'all', print: (r) => process.stdout.write(line(r) + '\n') });
          return records.some((r) => r.status === 'failed') ? 1 : 0;
        } finally {
          release();
        }
      }
      case 'status': {
        const rt = runtime();
        const report = buildStatus(rt, JOBS);
        process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : renderStatus(report));
        return 0;
      }
      case 'run': {
        // Handlers first: a signal during start-up must stop the service (releasing the lock) once it is
        // up, where the default action would kill the process holding the lock.
        let service: ServiceHandle | undefined;
        let signalled = false;
        const stop = () => {
          signalled = true;
          void service?.stop();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let rt: Runtime;
        try {
          rt = runtime();
          // Each job runs in a worker thread taking it from the module list, so one stuck job stops nothing else.
          service = await startService(rt, JOBS, { isolate: { registry: fileURLToPath(new URL('../modules.ts', import.meta.url)) } });
        } catch (e) {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          // startService has released the lock; anything start-up left running must not keep us alive.
          setTimeout(() => process.exit(2), 5000).unref();
          throw e;
        }
        if (signalled) void service.stop();
        else process.stdout.write(`aios: running on ${rt.vault.root} (state ${rt.state.dir}); Ctrl+C stops\n`);
        await service.done;
        process.stdout.write('aios: stopped\n');
        return 0;
      }
      case 'secret': {
        if (arg !== 'set' || !positionals[2]) throw new UsageError('aios secret set <name>  (the value is read from standard input)');
        const value = await readStdin();
        if (!value) throw new UsageError('no value on standard input');
        const file = defaultSecretsFile();
        setSecret(file, positionals[2], value, values.vault ? resolve(values.vault) : undefined);
        process.stdout.write(`stored ${positionals[2]} in ${file} (mode 600)\n`);
        return 0;
      }
      case 'demo':
        if (values.language !== undefined && values.language !== 'en' && values.language !== 'ru') throw new UsageError(`--language: "${values.language}" is not en or ru`);
        return await runDemo(resolve(values.dir ?? 'demo-vault'), values['state-dir'] ? resolve(values['state-dir']) : undefined, values.language);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`aios: ${(e as Error).message}\n`);
    return 2;
  }
}

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

