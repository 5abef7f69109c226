// The learner's job: takes the owner's mail labels and corrections from the vault into the built-in
// learner (state folder, outside the vault). Cheap: counting only, and only changed labels.
import type { Job } from '../core/job.ts';
import { categoriesFromSettings } from './categories.ts';
import { modelsState } from './index.ts';
import { LearnerStore, syncOwnerLabels } from './learner-store.ts';

export const learnerJob: Job = {
  name: 'learner',
  stage: 'passes',
  description: 'Teaches the built-in mail classifier the categories you set or corrected on mail notes.',
  // The runner reads static triggers: the setting's default is the schedule.
  // A category the owner corrects is learned at once, not the next morning.
  triggers: [{ kind: 'schedule', setting: 'schedule_learner' }, { kind: 'notes', kinds: ['mail_message', 'chat_log'], by: 'owner' }],
  async run(ctx) {
    const store = new LearnerStore(modelsState(ctx.state));
    const { labels } = categoriesFromSettings(ctx.settings);
    const notes = ctx.index.byKind('mail_message');
    const r = syncOwnerLabels(store, notes, (p) => ctx.vault.readNote(p).body, labels);
    const size = store.get().size;
    return {
      status: 'ok',
      summary: r.learned > 0 ? `learned ${r.learned} labelled mail(s); ${size} examples in all` : `no new labels; ${size} examples`,
      counts: { learned: r.learned, examples: size },
    };
  },
};
