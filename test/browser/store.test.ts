import { expect, test, type Page } from '@playwright/test';

// The IndexedDB store in real Chromium, through test/browser/pages/store-page.ts. Every test
// uses its own database name, so tests never see each other's data.

async function openHarness(page: Page): Promise<void> {
  await page.goto('/test/browser/pages/store.html');
  await page.waitForFunction(() => 'storeHarness' in window);
}

function uniqueName(): string {
  const info = test.info();
  return `store-test-${info.testId}-${info.retry}-${Date.now()}`;
}

test.describe('IndexedDbStore', () => {
  test('reads back every method the same way the in-memory store does', async ({ page }) => {
    await openHarness(page);
    const name = uniqueName();
    const { memory, idb } = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const reference = new h.MemoryStore();
      await h.scenario(reference);
      const store = await h.IndexedDbStore.open({ name: dbName });
      await h.scenario(store);
      // No flush first: reads must see what is still buffered.
      const fromIdb = await h.snapshot(store);
      await store.close();
      return { memory: await h.snapshot(reference), idb: fromIdb };
    }, name);

    expect(idb).toEqual(memory);

    // The scenario's orderings and values, spelled out so a bug shared by both stores shows too.
    const snap = idb as {
      experimentsW: Array<{ name: string; createdAt: number }>;
      sweepsW: Array<{ id: string }>;
      sweepsWE1: Array<{ id: string }>;
      sweepS1: { status: string };
      runsS1: Array<{ index: number; status: string }>;
      metricsS1: Array<{ runId: string; step: number; value: number }>;
      metricsS1Run1: Array<{ step: number }>;
      decisionsS1: Array<{
        decision: { kind: string; interval: number; evidence: { best: number; threshold: number } };
      }>;
      checkpointS1_0: { record: { sequence: number; state: { loss: number } }; artifacts: { weights: number[] } };
      checkpointS1_1: { record: { sequence: number }; artifacts: { weights: number[]; optimizer: number[] } };
      deleted: unknown;
    };
    expect(snap.experimentsW).toEqual([
      { workspace: 'w', name: 'e1', createdAt: 10 },
      { workspace: 'w', name: 'e2', createdAt: 20 },
    ]);
    expect(snap.sweepsW.map((s) => s.id)).toEqual(['S2', 'S3', 'S1']);
    expect(snap.sweepsWE1.map((s) => s.id)).toEqual(['S2', 'S1']);
    expect(snap.sweepS1.status).toBe('Completed');
    expect(snap.runsS1.map((r) => [r.index, r.status])).toEqual([
      [0, 'Completed'],
      [1, 'Canceled'],
      [2, 'Queued'],
    ]);
    const values = [0.1, Number.NaN, 0.3, Infinity, -0, -Infinity, 0.7];
    expect(snap.metricsS1.map((p) => [p.runId, p.step, p.value])).toEqual(
      values.flatMap((v, step) => [
        ['S1_0', step, v],
        ['S1_1', step, v * 2],
      ]),
    );
    expect(Object.is(snap.metricsS1[8]?.value, -0)).toBe(true);
    expect(snap.metricsS1Run1.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(snap.decisionsS1.map((d) => [d.decision.kind, d.decision.interval])).toEqual([
      ['continue', 1],
      ['continue', 2],
      ['continue', 3],
      ['continue', 4],
      ['continue', 5],
      ['cancel', 6],
      ['continue', 7],
    ]);
    expect(snap.decisionsS1[0]?.decision.evidence.best).toBe(Infinity);
    expect(snap.decisionsS1[0]?.decision.evidence.threshold).toBeNaN();
    expect(snap.checkpointS1_0.record.sequence).toBe(3);
    expect(snap.checkpointS1_0.record.state.loss).toBeNaN();
    expect(snap.checkpointS1_0.artifacts.weights).toEqual([3, 3.5, Number.NaN]);
    // An equal sequence replaces, as in the in-memory store.
    expect(snap.checkpointS1_1.artifacts).toEqual({ weights: [9, 9.5, Number.NaN], optimizer: [9, 255] });
    expect(snap.deleted).toEqual({ sweep: null, runs: [], metrics: [], decisions: [], checkpoint: null });
  });

  test('isolates stored records from the objects written and read', async ({ page }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName });
      const run = h.fixtures.run('S', 0);
      const point = h.fixtures.point('S', 'S_0', 0, 0.5);
      const checkpoint = h.fixtures.checkpoint('S', 'S_0', 1);
      await store.putRun(run);
      await store.appendMetrics([point]);
      await store.putCheckpoint(checkpoint);
      // Mutate what was written...
      (run as { status: string }).status = 'Failed';
      (run.params as Record<string, unknown>)['lr'] = 99;
      (point as { value: number }).value = 99;
      new Float32Array(checkpoint.artifacts['weights'] ?? new ArrayBuffer(4))[0] = 99;
      // ...and what was read.
      const first = await store.listRuns('S');
      (first[0] as { status: string }).status = 'Canceled';
      const again = await store.listRuns('S');
      const metrics = await store.listMetrics('S');
      const latest = h.viewCheckpoint(await store.latestCheckpoint('S_0'));
      await store.close();
      return { run: again[0], value: metrics[0]?.value, weights: latest?.artifacts['weights'] };
    }, uniqueName());
    expect(result.run?.status).toBe('Running');
    expect(result.run?.params).toEqual({ lr: 0.1, layers: 1, optimizer: 'adam', nested: { units: 32 } });
    expect(result.value).toBe(0.5);
    expect(result.weights).toEqual([1, 1.5, Number.NaN]);
  });

  test('batches a burst of metric points into few transactions, and flush() commits them', async ({ page }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      const started = performance.now();
      // One call per point, each awaited, as the engine logs them.
      for (let i = 0; i < 10_000; i++) {
        await store.appendMetrics([h.fixtures.point('B', `B_${i % 4}`, Math.floor(i / 4), i)]);
      }
      await store.flush();
      const burstMs = performance.now() - started;
      const committed = (await h.committedMetrics(dbName, 'B')).length;
      const stats = store.stats;
      const all = await store.listMetrics('B');
      const run1 = await store.listMetrics('B', 'B_1');

      // A larger burst in chunks, the way a worker streams them, for a throughput figure.
      const bigStarted = performance.now();
      for (let chunk = 0; chunk < 1000; chunk++) {
        const points = [];
        for (let i = 0; i < 100; i++) points.push(h.fixtures.point('C', 'C_0', chunk * 100 + i, i));
        await store.appendMetrics(points);
      }
      await store.flush();
      const bigMs = performance.now() - bigStarted;
      const bigBatches = store.stats.batches - stats.batches;
      const bigCount = (await store.listMetrics('C')).length;
      await store.close();
      return {
        burstMs,
        committed,
        batches: stats.batches,
        points: stats.metricPoints,
        count: all.length,
        inOrder: all.every((p, i) => p.value === i),
        run1Steps: run1.map((p) => p.step),
        bigMs,
        bigBatches,
        bigCount,
      };
    }, uniqueName());
    console.log(
      `IndexedDbStore throughput: 10,000 points (one appendMetrics each) + flush in ${result.burstMs.toFixed(0)} ms ` +
        `(${Math.round(10_000 / (result.burstMs / 1000))} points/s, ${result.batches} transaction(s)); ` +
        `100,000 points (chunks of 100) + flush in ${result.bigMs.toFixed(0)} ms ` +
        `(${Math.round(100_000 / (result.bigMs / 1000))} points/s, ${result.bigBatches} transaction(s))`,
    );
    expect(result.committed).toBe(10_000);
    expect(result.points).toBe(10_000);
    expect(result.batches).toBeLessThanOrEqual(5);
    expect(result.count).toBe(10_000);
    expect(result.inOrder).toBe(true);
    expect(result.run1Steps).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(result.bigCount).toBe(100_000);
    expect(result.bigBatches).toBeLessThanOrEqual(50);
  });

  test('a sweep of many chunks, interleaved with other sweeps, reads back in slices, point for point as the in-memory store', async ({
    page,
  }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const idb = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      const memory = new h.MemoryStore();
      // 120 batches of two sweeps written at once (their chunks interleave by key), four runs
      // each, small batches and two of over 4096 points per run (several chunks per run).
      for (let batch = 0; batch < 120; batch++) {
        const size = batch === 40 || batch === 90 ? 4500 : 1 + (batch % 7);
        const points = [];
        for (let i = 0; i < size; i++) {
          for (const sweepId of ['A', 'B']) {
            for (let r = 0; r < 4; r++) {
              points.push(
                h.fixtures.point(sweepId, `${sweepId}_${(r + batch) % 4}`, batch * 10_000 + i, batch + i / size + r),
              );
            }
          }
        }
        // A small sweep among them: its key ranges are mostly the others' chunks.
        if (batch % 10 === 0) points.push(h.fixtures.point('C', 'C_0', batch, batch));
        await idb.appendMetrics(points);
        await memory.appendMetrics(points);
        await idb.flush();
      }
      // How many requests read the chunks' values (one getAll of them all before).
      let getAlls = 0;
      const original = IDBObjectStore.prototype.getAll;
      IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['getAll']>) {
        if (this.name === 'metrics') getAlls += 1;
        return original.apply(this, args);
      };
      const indexGetAll = IDBIndex.prototype.getAll;
      IDBIndex.prototype.getAll = function (this: IDBIndex, ...args: Parameters<IDBIndex['getAll']>) {
        if (this.objectStore.name === 'metrics') getAlls += 1;
        return indexGetAll.apply(this, args);
      };
      const a = await idb.listMetrics('A');
      const requests = getAlls;
      IDBObjectStore.prototype.getAll = original;
      IDBIndex.prototype.getAll = indexGetAll;
      const b = await idb.listMetrics('B');
      const same = JSON.stringify(a) === JSON.stringify(await memory.listMetrics('A'));
      const sameB = JSON.stringify(b) === JSON.stringify(await memory.listMetrics('B'));
      const c = await idb.listMetrics('C');
      const sameC = c.length === 12 && JSON.stringify(c) === JSON.stringify(await memory.listMetrics('C'));
      await idb.close();
      return { count: a.length, countB: b.length, requests, same, sameB, sameC };
    }, uniqueName());
    expect(result.count).toBe(37856);
    expect(result.countB).toBe(37856);
    expect(result.same).toBe(true);
    expect(result.sameB).toBe(true);
    expect(result.sameC).toBe(true);
    // Read in several requests (each delivered in its own task), not one.
    expect(result.requests).toBeGreaterThan(3);
  });

  test('commits buffered points within the flush interval without a flush() call', async ({ page }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      await store.appendMetrics([h.fixtures.point('T', 'T_0', 0, 1), h.fixtures.point('T', 'T_0', 1, 2)]);
      const right = (await h.committedMetrics(dbName, 'T')).length;
      await new Promise((resolve) => setTimeout(resolve, 750));
      const later = (await h.committedMetrics(dbName, 'T')).length;
      const batches = store.stats.batches;
      await store.close();
      return { right, later, batches };
    }, uniqueName());
    // Right after appending, the points are only buffered (the reader's own connection cannot flush them).
    expect(result.right).toBe(0);
    expect(result.later).toBe(2);
    expect(result.batches).toBe(1);
  });

  test("a running run's progress waits with its metrics; a status change does not", async ({ page }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      await store.putRun(h.fixtures.run('P', 0, 'Queued'));
      await store.flush();
      // Queued -> Running is a status change: committed within the record delay, not the window.
      await store.putRun(h.fixtures.run('P', 0, 'Running'));
      await sleep(150);
      const startBatches = store.stats.batches;
      // Six epochs 40 ms apart, each a metric batch plus the run's progress, as the orchestrator writes them.
      for (let epoch = 0; epoch < 6; epoch++) {
        await store.appendMetrics([h.fixtures.point('P', 'P_0', epoch, epoch / 10)]);
        await store.putRun(h.fixtures.run('P', 0, 'Running', epoch / 10));
        await sleep(40);
      }
      await store.flush();
      const progressBatches = store.stats.batches - startBatches;
      const metrics = (await h.committedMetrics(dbName, 'P')).length;
      const beforeEnd = store.stats.batches;
      await store.putRun(h.fixtures.run('P', 0, 'Completed', 0.5));
      await sleep(150);
      const endBatches = store.stats.batches - beforeEnd;
      const [stored] = await store.listRuns('P');
      await store.close();
      return { startBatches, progressBatches, metrics, endBatches, status: stored?.status, best: stored?.bestMetric };
    }, uniqueName());
    expect(result.startBatches).toBe(2);
    // One transaction per epoch (six) before progress waited with the metrics; 240 ms fit one 250 ms window, or two.
    expect(result.progressBatches).toBeLessThanOrEqual(2);
    expect(result.metrics).toBe(6);
    expect(result.endBatches).toBe(1);
    expect(result).toMatchObject({ status: 'Completed', best: 0.5 });
  });

  test('the metric window is 250 ms by default; a stop decision commits at once with the curve it judged, a continue waits', async ({
    page,
  }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName });
      /** Milliseconds from `t0` until the store committed one more batch (polled every 2 ms). */
      const committedAfter = async (t0: number, before: number): Promise<number> => {
        while (store.stats.batches === before && performance.now() - t0 < 2000) {
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        return performance.now() - t0;
      };
      await store.putRun(h.fixtures.run('D', 0, 'Running'));
      await store.flush();
      // A report and the verdict that lets the run go on: they wait the window.
      let before = store.stats.batches;
      let t0 = performance.now();
      await store.appendMetrics([h.fixtures.point('D', 'D_0', 0, 0.4)]);
      await store.appendDecisions([h.fixtures.decision('D', 'D_0', 1, false)]);
      const continueMs = await committedAfter(t0, before);
      // The next report and the verdict that stops the run: committed after the record delay, in
      // one transaction with the report it judged.
      before = store.stats.batches;
      t0 = performance.now();
      await store.appendMetrics([h.fixtures.point('D', 'D_0', 1, 0.3)]);
      await store.appendDecisions([h.fixtures.decision('D', 'D_0', 2, true)]);
      const stopMs = await committedAfter(t0, before);
      const stopBatches = store.stats.batches - before;
      const metrics = (await h.committedMetrics(dbName, 'D')).length;
      const interval = store.flushIntervalMs;
      await store.close();
      return { interval, continueMs, stopMs, stopBatches, metrics };
    }, uniqueName());
    expect(result.interval).toBe(250);
    // A timer never fires early: with the old 100 ms window this was ~100 ms.
    expect(result.continueMs).toBeGreaterThanOrEqual(245);
    // The stop waited 20 ms, not the window (a commit's own time is in both figures).
    expect(result.stopMs).toBeLessThan(result.continueMs - 100);
    expect(result.stopBatches).toBe(1);
    expect(result.metrics).toBe(2);
  });

  test('keeps everything flushed across a page reload', async ({ page }) => {
    await openHarness(page);
    const name = uniqueName();
    const before = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName });
      await h.scenario(store);
      await store.flush();
      // Left open on purpose: a reload does not close stores politely.
      return h.snapshot(store);
    }, name);
    await page.reload();
    await page.waitForFunction(() => 'storeHarness' in window);
    const after = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName });
      const snap = await h.snapshot(store);
      await store.close();
      return snap;
    }, name);
    expect(after).toEqual(before);
    expect((after as { metricsS1: unknown[] }).metricsS1).toHaveLength(14);
  });

  test('never loses flushed points when the page is closed, though unflushed ones may be lost', async ({
    page,
    context,
  }) => {
    await openHarness(page);
    const name = uniqueName();
    await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      const flushed = Array.from({ length: 500 }, (_, i) => h.fixtures.point('P', 'P_0', i, i));
      await store.appendMetrics(flushed);
      await store.flush();
      const unflushed = Array.from({ length: 500 }, (_, i) => h.fixtures.point('P', 'P_0', 500 + i, 500 + i));
      await store.appendMetrics(unflushed);
    }, name);
    await page.close();

    const next = await context.newPage();
    await openHarness(next);
    const values = await next.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName });
      const points = await store.listMetrics('P');
      await store.close();
      return points.map((p) => p.value);
    }, name);
    // The unflushed 500 were one batch: all or none of them.
    expect([500, 1000]).toContain(values.length);
    expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i));
  });

  test('stores checkpoints durably at once and returns the highest sequence', async ({ page }) => {
    await openHarness(page);
    const name = uniqueName();
    await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      for (const sequence of [1, 5, 3]) await store.putCheckpoint(h.fixtures.checkpoint('K', 'K_0', sequence));
      await store.putCheckpoint(h.fixtures.checkpoint('K', 'K_1', 2));
      // Nothing flushed or closed: a resolved putCheckpoint is already committed.
    }, name);
    await page.reload();
    await page.waitForFunction(() => 'storeHarness' in window);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName });
      const k0 = h.viewCheckpoint(await store.latestCheckpoint('K_0'));
      const k1 = h.viewCheckpoint(await store.latestCheckpoint('K_1'));
      await store.close();
      return { k0, k1, stored: await h.countRecords(dbName, 'checkpoints') };
    }, name);
    expect(result.k0?.record.sequence).toBe(5);
    expect(result.k0?.record.state).toEqual({ epoch: 5, loss: Number.NaN, history: [1, -Infinity] });
    expect(result.k0?.artifacts).toEqual({ weights: [5, 5.5, Number.NaN], optimizer: [5, 255] });
    expect(result.k1?.record.sequence).toBe(2);
    // Only each run's latest is kept: older ones are never resumed from.
    expect(result.stored).toBe(2);
  });

  test('a checkpoint is committed only after every write made before it (no checkpoint ahead of its metrics)', async ({
    page,
  }) => {
    await openHarness(page);
    const name = uniqueName();
    await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const f = h.fixtures;
      // A long flush interval: without the ordering these would still sit in the buffer.
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      await store.putSweep(f.sweep('C', 'w', 'e', 1));
      await store.putRun(f.run('C', 0));
      for (let i = 0; i < 30; i++) await store.appendMetrics([f.point('C', 'C_0', i, i)]);
      await store.putCheckpoint(f.checkpoint('C', 'C_0', 1));
      // Nothing flushed or closed: the page goes away as a reload or crash would take it.
    }, name);
    await page.reload();
    await page.waitForFunction(() => 'storeHarness' in window);
    const counts = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName });
      const metrics = (await store.listMetrics('C')).length;
      const runs = (await store.listRuns('C')).length;
      await store.close();
      return { metrics, runs, checkpoints: await h.countRecords(dbName, 'checkpoints') };
    }, name);
    expect(counts).toEqual({ metrics: 30, runs: 1, checkpoints: 1 });
  });

  test('deleteSweep removes the sweep with its runs, metrics, decisions and checkpoints, buffered writes included', async ({
    page,
  }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const f = h.fixtures;
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      for (const id of ['A', 'B']) {
        await store.putSweep(f.sweep(id, 'w', 'e', id === 'A' ? 1 : 2));
        await store.putRun(f.run(id, 0));
        await store.putCheckpoint(f.checkpoint(id, `${id}_0`, 1));
      }
      // Interleaved, so A's metric keys are not one contiguous range.
      for (let i = 0; i < 50; i++) {
        await store.appendMetrics([f.point('A', 'A_0', i, i), f.point('B', 'B_0', i, i)]);
        await store.appendDecisions([f.decision('A', 'A_0', i + 1, false), f.decision('B', 'B_0', i + 1, false)]);
      }
      await store.flush();
      // Still buffered when the delete comes.
      await store.putRun(f.run('A', 1));
      await store.appendMetrics([f.point('A', 'A_1', 0, 0)]);
      await store.deleteSweep('A');
      const a = {
        sweep: (await store.getSweep('A')) ?? null,
        runs: await store.listRuns('A'),
        metrics: await store.listMetrics('A'),
        decisions: await store.listDecisions('A'),
        checkpoint: (await store.latestCheckpoint('A_0')) ?? null,
      };
      const b = {
        sweeps: (await store.listSweeps('w')).map((s) => s.id),
        runs: (await store.listRuns('B')).length,
        metrics: (await store.listMetrics('B')).map((p) => p.step),
        decisions: (await store.listDecisions('B')).length,
        checkpoint: (await store.latestCheckpoint('B_0'))?.sequence,
      };
      await store.close();
      const raw = {
        sweeps: await h.countRecords(dbName, 'sweeps'),
        metrics: await h.sweepIdsIn(dbName, 'metrics'),
        decisions: await h.sweepIdsIn(dbName, 'decisions'),
        runs: await h.sweepIdsIn(dbName, 'runs'),
        checkpoints: await h.sweepIdsIn(dbName, 'checkpoints'),
      };
      return { a, b, raw };
    }, uniqueName());
    expect(result.a).toEqual({ sweep: null, runs: [], metrics: [], decisions: [], checkpoint: null });
    expect(result.b).toEqual({
      sweeps: ['B'],
      runs: 1,
      metrics: Array.from({ length: 50 }, (_, i) => i),
      decisions: 50,
      checkpoint: 1,
    });
    expect(result.raw).toEqual({ sweeps: 1, metrics: ['B'], decisions: ['B'], runs: ['B'], checkpoints: ['B'] });
  });

  test('closes when another page upgrades the database, and says to reload', async ({ page, context }) => {
    await openHarness(page);
    const name = uniqueName();
    await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({
        name: dbName,
        onVersionChange: () => h.events.push('versionchange'),
      });
      await store.putRun(h.fixtures.run('V', 0));
      await store.flush();
      h.stores.set('a', store);
    }, name);

    const other = await context.newPage();
    await openHarness(other);
    const upgrade = await other.evaluate(
      (dbName) =>
        new Promise<{ oldVersion: number; newVersion: number | null; runs: number }>((resolve, reject) => {
          const request = indexedDB.open(dbName, 2);
          let oldVersion = -1;
          let newVersion: number | null = null;
          request.onupgradeneeded = (event) => {
            oldVersion = event.oldVersion;
            newVersion = event.newVersion;
          };
          request.onblocked = () => reject(new Error('blocked: the first page did not close its connection'));
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const db = request.result;
            const count = db.transaction('runs').objectStore('runs').count();
            count.onsuccess = () => {
              db.close();
              resolve({ oldVersion, newVersion, runs: count.result });
            };
          };
        }),
      name,
    );
    expect(upgrade).toEqual({ oldVersion: 1, newVersion: 2, runs: 1 });

    const after = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = h.stores.get('a');
      if (store === undefined) throw new Error('store a was not kept');
      const message = (promise: Promise<unknown>): Promise<string> =>
        promise.then(
          () => 'resolved',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
      return {
        events: [...h.events],
        read: await message(store.listRuns('V')),
        write: await message(store.appendMetrics([h.fixtures.point('V', 'V_0', 0, 1)])),
        flush: await message(store.flush()),
        reopen: await message(h.IndexedDbStore.open({ name: dbName })),
        close: await message(store.close()),
      };
    }, name);
    expect(after.events).toEqual(['versionchange']);
    for (const message of [after.read, after.write, after.flush]) {
      expect(message).toContain('upgraded elsewhere');
      expect(message).toContain('reload this page');
      expect(message).toContain('schema version 2');
    }
    expect(after.read).toMatch(/^listRuns: /);
    expect(after.write).toMatch(/^appendMetrics: /);
    expect(after.reopen).toContain('has a newer schema than version 1');
    expect(after.close).toBe('resolved');
  });

  test("commits what was buffered before closing for another connection's upgrade", async ({ page }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      await store.appendMetrics(Array.from({ length: 50 }, (_, i) => h.fixtures.point('U', 'U_0', i, i)));
      const batchesBefore = store.stats.batches;
      // Same turn as the append: only the versionchange handler can have written the points.
      const upgraded = await new Promise<boolean>((resolve, reject) => {
        const request = indexedDB.open(dbName, 2);
        request.onsuccess = () => {
          request.result.close();
          resolve(true);
        };
        request.onblocked = () => reject(new Error('blocked'));
        request.onerror = () => reject(request.error);
      });
      const v2 = [...h.SCHEMA_STEPS, { version: 2, description: "the other tab's upgrade", apply: () => {} }];
      const reader = await h.IndexedDbStore.openWithSteps(v2, { name: dbName });
      const values = (await reader.listMetrics('U')).map((p) => p.value);
      await reader.close();
      return { batchesBefore, upgraded, values };
    }, uniqueName());
    expect(result).toEqual({ batchesBefore: 0, upgraded: true, values: Array.from({ length: 50 }, (_, i) => i) });
  });

  test('waits for a blocking connection, calls onBlocked, and gives up after blockedTimeoutMs', async ({ page }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const message = (promise: Promise<unknown>): Promise<string> =>
        promise.then(
          () => 'resolved',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
      const holdRaw = (version: number): Promise<IDBDatabase> =>
        new Promise((resolve, reject) => {
          const request = indexedDB.open(dbName, version);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      const step = (version: number) => ({ version, description: `test step ${version}`, apply: () => {} });

      const first = await h.IndexedDbStore.open({ name: dbName });
      await first.putRun(h.fixtures.run('X', 0));
      await first.close();

      // A connection that ignores versionchange, like an old tab of the app.
      const v1 = await holdRaw(1);
      const upgraded = await h.IndexedDbStore.openWithSteps([...h.SCHEMA_STEPS, step(2)], {
        name: dbName,
        onBlocked: () => {
          h.events.push('blocked v2');
          v1.close();
        },
      });
      const runs = (await upgraded.listRuns('X')).length;
      await upgraded.close();

      const v2 = await holdRaw(2);
      const started = performance.now();
      const timedOut = await message(
        h.IndexedDbStore.openWithSteps([...h.SCHEMA_STEPS, step(2), step(3)], {
          name: dbName,
          blockedTimeoutMs: 300,
          onBlocked: () => h.events.push('blocked v3'),
        }),
      );
      const waitedMs = performance.now() - started;
      v2.close();
      return { events: [...h.events], runs, timedOut, waitedMs };
    }, uniqueName());
    expect(result.events).toEqual(['blocked v2', 'blocked v3']);
    expect(result.runs).toBe(1);
    expect(result.timedOut).toContain('could not be upgraded from version 2 to 3');
    expect(result.timedOut).toContain('another tab kept it open for 300 ms');
    expect(result.waitedMs).toBeGreaterThanOrEqual(290);
  });

  test('upgrades an older database through every later step, keeping its data', async ({ page }) => {
    await openHarness(page);
    const result = await page.evaluate(
      async ([oldName, freshName]) => {
        const h = window.storeHarness;
        const log: number[] = [];
        const steps = [
          ...h.SCHEMA_STEPS.map((s) => ({
            ...s,
            apply: (db: IDBDatabase, tx: IDBTransaction) => {
              log.push(s.version);
              s.apply(db, tx);
            },
          })),
          {
            version: 2,
            description: 'index metrics by name',
            apply: (_db: IDBDatabase, tx: IDBTransaction) => {
              log.push(2);
              tx.objectStore('metrics').createIndex('by-name', 'name');
            },
          },
          {
            version: 3,
            description: 'mark every run as migrated',
            apply: (_db: IDBDatabase, tx: IDBTransaction) => {
              log.push(3);
              const cursor = tx.objectStore('runs').openCursor();
              cursor.onsuccess = () => {
                const current = cursor.result;
                if (current === null) return;
                current.update({ ...(current.value as object), migrated: true });
                current.continue();
              };
            },
          },
        ];

        const v1 = await h.IndexedDbStore.open({ name: oldName });
        await h.scenario(v1);
        const before = await h.snapshot(v1);
        await v1.close();

        const v3 = await h.IndexedDbStore.openWithSteps(steps, { name: oldName });
        const after = await h.snapshot(v3);
        await v3.close();
        const upgradeLog = [...log];

        const fresh = await h.IndexedDbStore.openWithSteps(steps, { name: freshName });
        await fresh.close();
        const freshLog = log.slice(upgradeLog.length);

        const raw = await new Promise<{ version: number; indexes: string[] }>((resolve) => {
          const request = indexedDB.open(oldName);
          request.onsuccess = () => {
            const db = request.result;
            const indexes = [...db.transaction('metrics').objectStore('metrics').indexNames];
            db.close();
            resolve({ version: db.version, indexes });
          };
        });
        const tooOld = await h.IndexedDbStore.open({ name: oldName }).then(
          () => 'opened',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
        return { before, after, upgradeLog, freshLog, raw, tooOld };
      },
      [uniqueName(), `${uniqueName()}-fresh`] as const,
    );
    expect(result.upgradeLog).toEqual([2, 3]);
    expect(result.freshLog).toEqual([1, 2, 3]);
    expect(result.raw).toEqual({ version: 3, indexes: ['by-name', 'by-run', 'by-sweep'] });
    const before = result.before as Record<string, unknown> & { runsS1: object[]; runsS2: object[] };
    const after = result.after as Record<string, unknown> & { runsS1: object[]; runsS2: object[] };
    expect(after.runsS1).toEqual(before.runsS1.map((r) => ({ ...r, migrated: true })));
    expect(after.runsS2).toEqual(before.runsS2.map((r) => ({ ...r, migrated: true })));
    expect({ ...after, runsS1: [], runsS2: [] }).toEqual({ ...before, runsS1: [], runsS2: [] });
    expect(result.tooOld).toContain('newer schema than version 1');
    expect(result.tooOld).toContain('reload the page');
  });

  test('a write that cannot be stored is refused with the operation and the browser error; stored data stays readable', async ({
    page,
  }) => {
    await openHarness(page);
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const f = h.fixtures;
      const message = (promise: Promise<unknown>): Promise<string> =>
        promise.then(
          () => 'resolved',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      await store.putRun(f.run('E', 0));
      await store.appendMetrics([f.point('E', 'E_0', 0, 1)]);
      await store.flush();
      await store.appendMetrics([f.point('E', 'E_0', 1, 2)]);

      const withFunction = { ...f.run('E', 1), params: { callback: () => 1 } } as unknown as ReturnType<typeof f.run>;
      const badRun = await message(store.putRun(withFunction));
      const badKey = await message(
        store.putRun({ ...f.run('E', 2), id: { not: 'a key' } } as unknown as ReturnType<typeof f.run>),
      );
      const badPoint = await message(
        store.appendMetrics([
          f.point('E', 'E_0', 2, 3),
          { ...f.point('E', 'E_0', 3, 4), value: 'x' } as unknown as ReturnType<typeof f.point>,
        ]),
      );
      const badCheckpoint = await message(
        store.putCheckpoint({ ...f.checkpoint('E', 'E_0', 1), state: { fn: () => 1 } }),
      );
      const badSequence = await message(store.putCheckpoint(f.checkpoint('E', 'E_0', Number.NaN)));

      const runs = (await store.listRuns('E')).map((r) => r.index);
      const values = (await store.listMetrics('E')).map((p) => p.value);
      const stillWorks = await message(store.putRun(f.run('E', 3)).then(() => store.flush()));
      const runsAfter = (await store.listRuns('E')).map((r) => r.index);
      await store.close();
      return { badRun, badKey, badPoint, badCheckpoint, badSequence, runs, values, stillWorks, runsAfter };
    }, uniqueName());
    expect(result.badRun).toContain('putRun failed: DataCloneError');
    expect(result.badKey).toContain('putRun failed: DataError');
    expect(result.badPoint).toContain('appendMetrics failed: TypeError: point 1: value must be a number (got string)');
    expect(result.badCheckpoint).toContain('putCheckpoint failed: DataCloneError');
    expect(result.badSequence).toContain('putCheckpoint failed: DataError');
    // The refused calls stored nothing, not even the valid point beside the bad one.
    expect(result.runs).toEqual([0]);
    expect(result.values).toEqual([1, 2]);
    expect(result.stillWorks).toBe('resolved');
    expect(result.runsAfter).toEqual([0, 3]);
  });

  // Chromium enforces a quota set through the DevTools protocol, but only from before the
  // origin's first write (it then caches the space left), and its usage figures lag what a
  // commit is charged; so these tests set it first and write until it bites.
  const QUOTA_SLACK = 256 * 1024;

  test('a batch that fails to commit (quota exceeded) is reported by flush(), once; stored data stays readable', async ({
    page,
  }) => {
    await openHarness(page);
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(page.url()).origin;
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + QUOTA_SLACK });
    await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      await store.putRun(h.fixtures.run('Q', 0));
      await store.appendMetrics(Array.from({ length: 100 }, (_, i) => h.fixtures.point('Q', 'Q_0', i, i)));
      await store.flush();
      h.stores.set('q', store);
    }, uniqueName());
    const result = await page.evaluate(async () => {
      const h = window.storeHarness;
      const store = h.stores.get('q');
      if (store === undefined) throw new Error('store q was not kept');
      const message = (promise: Promise<unknown>): Promise<string> =>
        promise.then(
          () => 'resolved',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
      // Random names, so storage compression cannot shrink them under the quota.
      const noise = (): string => Array.from({ length: 100 }, () => Math.random().toString(36).slice(2)).join('');
      let stored = 100;
      for (let round = 0; round < 30; round++) {
        const points = Array.from({ length: 200 }, (_, i) =>
          h.fixtures.point('Q', 'Q_0', stored + i, stored + i, noise()),
        );
        const append = await message(store.appendMetrics(points));
        const flush = await message(store.flush());
        if (flush !== 'resolved') {
          const flushAgain = await message(store.flush());
          const values = (await store.listMetrics('Q')).map((p) => p.value);
          const runs = (await store.listRuns('Q')).length;
          return { round, append, flush, flushAgain, stored, values, runs };
        }
        stored += points.length;
      }
      throw new Error('the quota was never exceeded');
    });
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    const afterQuota = await page.evaluate(async () => {
      const h = window.storeHarness;
      const store = h.stores.get('q');
      if (store === undefined) throw new Error('store q was not kept');
      await store.appendMetrics([h.fixtures.point('Q', 'Q_0', -1, -1)]);
      await store.flush();
      const values = (await store.listMetrics('Q')).map((p) => p.value);
      await store.close();
      return values;
    });
    expect(result.append).toBe('resolved');
    expect(result.flush).toContain('writing 200 metric points (appendMetrics) failed and was not stored');
    expect(result.flush).toContain('QuotaExceededError');
    // Reported once; the store carries on.
    expect(result.flushAgain).toBe('resolved');
    expect(result.values).toEqual(Array.from({ length: result.stored }, (_, i) => i));
    expect(result.runs).toBe(1);
    expect(afterQuota).toEqual([...result.values, -1]);
  });

  test('a failed batch is reported to the next write when nobody flushes', async ({ page }) => {
    await openHarness(page);
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(page.url()).origin;
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + QUOTA_SLACK });
    await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      h.stores.set('n', await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 50 }));
    }, uniqueName());
    const result = await page.evaluate(async () => {
      const h = window.storeHarness;
      const store = h.stores.get('n');
      if (store === undefined) throw new Error('store n was not kept');
      const noise = (): string => Array.from({ length: 100 }, () => Math.random().toString(36).slice(2)).join('');
      for (let round = 0; round < 30; round++) {
        try {
          await store.appendMetrics(Array.from({ length: 200 }, (_, i) => h.fixtures.point('N', 'N_0', i, i, noise())));
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
        // Longer than the flush interval: the timer commits (or fails) the batch.
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      return 'the quota was never exceeded';
    });
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    expect(result).toContain('appendMetrics) failed and was not stored: QuotaExceededError');
  });

  test('refuses a database of the same name that something else created', async ({ page }) => {
    await openHarness(page);
    const message = await page.evaluate(async (dbName) => {
      await new Promise<void>((resolve, reject) => {
        const request = indexedDB.open(dbName, 1);
        request.onupgradeneeded = () => request.result.createObjectStore('unrelated');
        request.onsuccess = () => {
          request.result.close();
          resolve();
        };
        request.onerror = () => reject(request.error);
      });
      return window.storeHarness.IndexedDbStore.open({ name: dbName }).then(
        () => 'opened',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    }, uniqueName());
    expect(message).toContain('lacks the object store(s) experiments, sweeps, runs, metrics, decisions, checkpoints');
    expect(message).toContain('use another workspace name');
  });

  test('close() flushes; a closed store refuses calls; the flush interval is capped at 250 ms', async ({ page }) => {
    await openHarness(page);
    const name = uniqueName();
    const result = await page.evaluate(async (dbName) => {
      const h = window.storeHarness;
      const message = (promise: Promise<unknown>): Promise<string> =>
        promise.then(
          () => 'resolved',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
      const store = await h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 250 });
      await store.appendMetrics([h.fixtures.point('C', 'C_0', 0, 42)]);
      await store.close();
      const closedRead = await message(store.listMetrics('C'));
      const closedWrite = await message(store.putRun(h.fixtures.run('C', 0)));
      const closeAgain = await message(store.close());
      const reopened = await h.IndexedDbStore.open({ name: dbName });
      const values = (await reopened.listMetrics('C')).map((p) => p.value);
      await reopened.close();
      const tooSlow = await message(h.IndexedDbStore.open({ name: dbName, flushIntervalMs: 1000 }));
      return { closedRead, closedWrite, closeAgain, values, tooSlow };
    }, name);
    expect(result.values).toEqual([42]);
    expect(result.closedRead).toContain('is closed');
    expect(result.closedWrite).toContain('is closed');
    expect(result.closeAgain).toBe('resolved');
    expect(result.tooSlow).toContain('flushIntervalMs: must be a number of milliseconds from 0 to 250 (got 1000)');
  });
});
