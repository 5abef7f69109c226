// "Run now": commands that write a request note for the companion (it runs the action and answers in
// the note), and a notice when the answer arrives. Works on mobile and with no server to reach.
import { Notice, normalizePath, stringifyYaml, type Plugin } from 'obsidian';
import type { Feature } from '../feature.ts';
import { MESSAGES } from '../messages.ts';
import { isAnswered, newRequest, type RequestAction } from '../requests-model.ts';
import { companionNow } from './status-bar.ts';
import type { VaultNotes } from './vault-notes.ts';

const COMMANDS: readonly { id: string; action: RequestAction }[] = [
  { id: 'sync-mail-now', action: 'sync_mail' },
  { id: 'make-digest-now', action: 'digest' },
  { id: 'reconcile-now', action: 'reconcile' },
];

export class Requests implements Feature {
  /** Requests written in this session, waiting for their answer. */
  private readonly waiting = new Map<string, string>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly plugin: Plugin,
    private readonly notes: VaultNotes,
  ) {}

  load(): void {
    for (const c of COMMANDS) {
      const name = MESSAGES.requestAction[c.action];
      this.plugin.addCommand({ id: c.id, name, callback: () => void this.send(c.action) });
    }
    this.unsubscribe = this.notes.subscribe(() => this.answered());
  }

  unload(): void {
    this.unsubscribe?.();
  }

  async send(action: RequestAction): Promise<string | undefined> {
    const { vault } = this.plugin.app;
    const { path, frontmatter } = newRequest(action, this.notes.now(), {}, this.notes.lookup);
    const what = MESSAGES.requestAction[action];
    try {
      const dir = normalizePath(path.slice(0, path.lastIndexOf('/')));
      if (!vault.getAbstractFileByPath(dir)) await vault.createFolder(dir);
      await vault.create(path, `---\n${stringifyYaml(frontmatter)}---\n# ${what}\n\nAsked from Obsidian; the companion answers in this note's properties.\n`);
    } catch (e) {
      new Notice(MESSAGES.couldNotUpdate(path, (e as Error).message));
      return undefined;
    }
    this.waiting.set(path, what);
    new Notice(companionNow(this.notes).state === 'running' ? MESSAGES.requestSent(what) : MESSAGES.requestSentButDown(what));
    return path;
  }

  private answered(): void {
    for (const [path, what] of this.waiting) {
      const fm = this.notes.store.get(path)?.frontmatter;
      if (!fm || !isAnswered(fm)) continue;
      this.waiting.delete(path);
      new Notice(MESSAGES.requestAnswered(what, String(fm.status), typeof fm.result === 'string' ? fm.result : ''));
    }
  }
}
