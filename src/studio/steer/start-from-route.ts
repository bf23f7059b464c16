import { toSweepFile } from '../engine.js';
import { fromRecord } from '../builder/form-state.js';
import { h } from '../dom.js';
import { BuilderPage } from '../pages/builder-page.js';
import type { PageContext } from '../pages/sweep-page.js';
import { StartFromSection, type StartFromValue } from './start-from.js';
import { START_FROM_ROUTE } from './start-from-hash.js';

/**
 * The builder filled with a stored sweep's search (its spec, as exported) and, in the section
 * "Start from earlier results", that sweep as a warm start, or the chosen runs to resume.
 */
export async function startFromPage(context: PageContext, hash: string): Promise<BuilderPage> {
  const query = new URLSearchParams(hash.slice(START_FROM_ROUTE.length));
  const sweepId = query.get('sweep') ?? '';
  const runIds = (query.get('runs') ?? '').split(',').filter((id) => id !== '');
  const { workspace } = context.session;
  const intro = h('div', { className: 'note', attrs: { 'data-testid': 'start-from-intro' } });
  try {
    const record = await workspace.getSweep(sweepId);
    if (record === undefined) throw new Error(`no stored sweep ${JSON.stringify(sweepId)} in this workspace`);
    const initial: StartFromValue =
      runIds.length === 0
        ? { resumeFrom: [await workspace.loadPriorSweep(sweepId)], resumeChildRuns: [] }
        : { resumeFrom: [], resumeChildRuns: await workspace.loadPriorRuns(sweepId, runIds) };
    intro.textContent =
      runIds.length === 0
        ? `A new sweep warm-started from ${record.experiment} · ${record.id}: change what you like, then start it.`
        : `A new sweep resuming ${runIds.length} run(s) of ${record.experiment} · ${record.id} from their checkpoints.`;
    const startFrom = new StartFromSection({
      initial,
      candidates: () => workspace.listSweeps(),
      loadSweep: (id) => workspace.loadPriorSweep(id),
    });
    return new BuilderPage(context, fromRecord(toSweepFile(record.config).spec), intro, startFrom);
  } catch (error) {
    intro.classList.add('error');
    intro.textContent = `Cannot start from sweep ${sweepId}: ${error instanceof Error ? error.message : String(error)}`;
    return new BuilderPage(context, undefined, intro);
  }
}
