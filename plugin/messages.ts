// The plugin's text for the owner, in one place (sentence case, as Obsidian's guidelines ask).
export const MESSAGES = {
  queueTitle: 'Decision queue',
  openQueue: 'Open decision queue',
  queueOpen: (n: number) => `${n} open`,
  queueEmpty: 'Nothing needs you',
  queueKeys: (k: QueueKeys) => `${k.down}/${k.up} move · ${k.answer} answer · ${k.defer} defer · ${k.open} open the note`,
  deadline: (d: string) => `Deadline ${d}`,
  deferADay: 'Defer a day',
  answerPlaceholder: 'Choose an answer',
  deferTitle: (title: string) => `Defer: ${title}`,
  deferUntil: 'Until',
  comment: 'Comment (optional)',
  defer: 'Defer',
  couldNotUpdate: (path: string, err: string) => `Could not update ${path}: ${err}`,
  statusOpen: (n: number) => (n ? `AIOS: ${n} open` : 'AIOS: nothing open'),
  companionRunning: (host: string) => `Companion running on ${host}`,
  companionStopped: (host: string, at: string) => `The companion is not running (last heartbeat ${at.replace('T', ' ')} on ${host}). Start it with "aios run" on that machine.`,
  companionAbsent: 'The companion has never run on this vault. Start it with "aios run" on the machine that holds the vault.',
  statusCompanionDown: 'companion not running',
  requestAction: {
    sync_mail: 'Sync mail now',
    digest: 'Make the digest now',
    reconcile: 'Reconcile now',
    import: 'Import this file',
    bootstrap: 'Build the vault from history',
  },
  requestSent: (what: string) => `Asked the companion: ${what.toLowerCase()}.`,
  requestSentButDown: (what: string) => `Asked the companion: ${what.toLowerCase()}. It is not running now; the request waits until it starts (or expires).`,
  requestAnswered: (what: string, status: string, result: string) => `${what}: ${status}${result ? `. ${result}` : ''}`,
  settingsNoNote: 'No settings note found. Run "aios init" on this vault to create one.',
  settingsStored: (path: string) => `Stored in ${path}. Environment variables (AIOS_<KEY>) override these on the companion's machine.`,
  settingsSearch: 'Search settings',
  settingsGroups: {
    general: 'General',
    folders: 'Folders',
    mail: 'Mail',
    models: 'Models and costs',
    schedules: 'Schedules and jobs',
    triage: 'Triage',
    reconciliation: 'Reconciliation',
    risk: 'Risk scan',
    requests: 'Requests to the companion',
  } as Record<string, string>,
  settingsKeys: 'Keys in the decision queue',
  settingsKeyNames: { down: 'Next item', up: 'Previous item', answer: 'Answer', defer: 'Defer', open: 'Open the note' } as Record<string, string>,
  settingsDefault: (v: string) => (v === '' ? 'Default: empty' : `Default: ${v}`),
} as const;

export interface QueueKeys {
  down: string;
  up: string;
  answer: string;
  defer: string;
  open: string;
}

export const DEFAULT_KEYS: QueueKeys = { down: 'j', up: 'k', answer: 'Enter', defer: 's', open: 'o' };
