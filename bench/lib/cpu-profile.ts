// Where a main-thread task's time went, from a CDP Profiler (sampling) profile: a task shows as a
// stretch of samples with no idle sample between them; for the longest stretches, the self time
// and the time under each frame. Shared by bench/profile-panels.ts and bench/profile-studio.ts.

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

const IDLE = new Set(['(idle)']);

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = (url.split('/').pop() ?? url).replace(/-[A-Za-z0-9_-]{8}\.js$/, '.js');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/** Stretches of consecutive busy samples (a task), longest first, with where their time went. */
export function longestStretches(profile: CpuProfile, count: number, top: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const stretches: { from: number; to: number; ms: number }[] = [];
  let open: { from: number; ms: number } | null = null;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number);
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const idle = node === undefined || IDLE.has(node.callFrame.functionName);
    if (idle) {
      if (open !== null) stretches.push({ from: open.from, to: i, ms: open.ms });
      open = null;
    } else if (open === null) open = { from: i, ms };
    else open.ms += ms;
  }
  if (open !== null) stretches.push({ from: open.from, to: samples.length, ms: open.ms });
  stretches.sort((a, b) => b.ms - a.ms);
  const out: string[] = [];
  for (const s of stretches.slice(0, count)) {
    const self = new Map<string, number>();
    const under = new Map<string, number>();
    for (let i = s.from; i < s.to; i++) {
      const ms = (deltas[i + 1] ?? 0) / 1000;
      let id: number | undefined = samples[i] as number;
      const first = byId.get(id);
      if (first === undefined) continue;
      self.set(frameName(first), (self.get(frameName(first)) ?? 0) + ms);
      const seen = new Set<string>();
      while (id !== undefined) {
        const node = byId.get(id);
        if (node === undefined) break;
        const name = frameName(node);
        if (!seen.has(name)) {
          seen.add(name);
          under.set(name, (under.get(name) ?? 0) + ms);
        }
        id = parent.get(id);
      }
    }
    const sorted = (m: Map<string, number>, filter: (k: string) => boolean): string[] =>
      [...m.entries()]
        .filter(([k]) => filter(k))
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => `      ${v.toFixed(1).padStart(7)} ms  ${k}`);
    out.push(
      `  task of ${s.ms.toFixed(1)} ms`,
      '    self time:',
      ...sorted(self, () => true),
      '    inclusive (functions under 90 % of the task, not the roots):',
      ...sorted(under, (k) => !k.startsWith('(root)') && (under.get(k) ?? 0) < s.ms * 0.9),
    );
  }
  return out;
}
