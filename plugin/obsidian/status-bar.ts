// The status bar: open questions, and plainly when the companion is not running (read from its lease
// note's heartbeat, checked again every few seconds so a stopped companion shows within its TTL).
import type { Plugin } from 'obsidian';
import { decisionItem } from '../../contract/index.ts';
import { companionState, type CompanionState } from '../companion-state.ts';
import type { Feature } from '../feature.ts';
import { MESSAGES } from '../messages.ts';
import { openQueue } from '../queue-model.ts';
import type { VaultNotes } from './vault-notes.ts';

/** The companion's state now, from the lease note the store keeps. */
export function companionNow(notes: VaultNotes): CompanionState {
  return companionState(notes.store.get(notes.leasePath())?.frontmatter, notes.now());
}

export function describeCompanion(s: CompanionState): string {
  return s.state === 'running' ? MESSAGES.companionRunning(s.host) : s.state === 'stopped' ? MESSAGES.companionStopped(s.host, s.heartbeat) : MESSAGES.companionAbsent;
}

export class StatusBar implements Feature {
  private el: HTMLElement | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly plugin: Plugin,
    private readonly notes: VaultNotes,
  ) {}

  load(): void {
    this.el = this.plugin.addStatusBarItem();
    this.el.addClass('aios-status');
    this.unsubscribe = this.notes.subscribe(() => this.update());
    this.plugin.registerInterval(window.setInterval(() => this.update(), 5000));
  }

  unload(): void {
    this.unsubscribe?.();
  }

  update(): void {
    if (!this.el) return;
    const today = this.notes.now().slice(0, 10);
    const folder = this.notes.folder(decisionItem);
    const open = openQueue(this.notes.store.inFolder(folder), today, folder).length;
    const companion = companionNow(this.notes);
    const down = companion.state !== 'running';
    this.el.setText(down ? `${MESSAGES.statusOpen(open)} · ${MESSAGES.statusCompanionDown}` : MESSAGES.statusOpen(open));
    this.el.setAttr('aria-label', describeCompanion(companion));
    this.el.toggleClass('aios-companion-down', down);
  }
}
