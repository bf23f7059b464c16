import { describe, expect, it } from 'vitest';

// These tests run the real sampler many times; on a loaded 2-core machine that takes longer than
// vitest's 5 s default, which says nothing about the code.
const SLOW = 120_000;
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { ConfigError } from '../../src/errors.js';
import { Workspace } from '../../src/experiment/workspace.js';
import { SeededRandom } from '../../src/random/index.js';
import { BayesianParameterSampling } from '../../src/sampling/bayesian.js';
import { GridParameterSampling } from '../../src/sampling/grid.js';
import {
  SamplerConnection,
  SamplerProtocolError,
  SamplerService,
  parseSamplerReply,
  parseSamplerRequest,
  type SamplerPort,
} from '../../src/sampling/remote.js';
import type { Sampler, TrialObservation } from '../../src/sampling/sampler.js';
import { choice, uniform } from '../../src/space/index.js';
import type { ParamSet } from '../../src/space/expression.js';

const num = (p: ParamSet, name: string): number => p[name] as number;
const bowl = (p: ParamSet): number => (num(p, 'x') - 0.3) ** 2 + (num(p, 'y') - 0.6) ** 2;
const SPACE = { x: uniform(0, 1), y: uniform(0, 1) };

function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(SamplerProtocolError);
    return (error as Error).message;
  }
  throw new Error('expected a SamplerProtocolError');
}

describe('sampler worker protocol: validation at the boundary', () => {
  const next = (context: unknown): unknown => ({ kind: 'next', id: 0, call: 0, context });

  it('reads a well-formed request and reply', () => {
    const request = parseSamplerRequest({
      kind: 'next',
      id: 3,
      call: 7,
      context: {
        goal: 'MINIMIZE',
        observations: [
          { params: { x: 0.5, opt: { name: 'adam', lr: 0.1 } }, best: 1.5, state: 'completed' },
          { params: { x: 0.2 }, state: 'running' },
        ],
      },
    });
    expect(request.kind).toBe('next');
    if (request.kind !== 'next') return;
    expect(request.context.observations).toHaveLength(2);
    expect(request.context.observations[1]?.best).toBeUndefined();
    expect(parseSamplerReply({ kind: 'suggestion', id: 3, call: 7, params: { x: 0.1 } })).toEqual({
      kind: 'suggestion',
      id: 3,
      call: 7,
      params: { x: 0.1 },
    });
    expect(parseSamplerReply({ kind: 'suggestion', id: 3, call: 7, params: null }).kind).toBe('suggestion');
  });

  it('refuses each malformed field, naming the field, the rule and the value', () => {
    expect(refusal(() => parseSamplerRequest('next'))).toBe('sampler request must be an object (got "next")');
    expect(refusal(() => parseSamplerRequest({ kind: 'suggest', id: 0 }))).toBe(
      'sampler request.kind must be one of create, next, dispose (got "suggest")',
    );
    expect(refusal(() => parseSamplerRequest({ kind: 'dispose', id: -1 }))).toMatch(
      /^sampler request\.id must be an integer >= 0 \(got -1\)$/,
    );
    expect(refusal(() => parseSamplerRequest({ kind: 'next', id: 0, call: 1.5, context: {} }))).toMatch(
      /^sampler request\.call must be an integer .*\(got 1\.5\)$/,
    );
    expect(refusal(() => parseSamplerRequest(next({ observations: 'all' })))).toBe(
      'sampler request.context.observations must be an array (got "all")',
    );
    expect(refusal(() => parseSamplerRequest(next({ observations: [{ params: { x: 1 }, state: 'paused' }] })))).toBe(
      'sampler request.context.observations[0].state must be one of running, completed, canceled, failed (got "paused")',
    );
    expect(
      refusal(() =>
        parseSamplerRequest(next({ observations: [{ params: { x: [1, 2] }, best: 1, state: 'completed' }] })),
      ),
    ).toBe(
      'sampler request.context.observations[0].params.x must be a number, a string, a boolean or an object (got an array)',
    );
    expect(
      refusal(() => parseSamplerRequest(next({ observations: [{ params: {}, best: '0.9', state: 'completed' }] }))),
    ).toBe('sampler request.context.observations[0].best must be a number or absent (got "0.9")');
    expect(refusal(() => parseSamplerRequest(next({ observations: [], goal: 'LOWER' })))).toBe(
      'sampler request.context.goal must be one of MAXIMIZE, MINIMIZE (got "LOWER")',
    );
    expect(refusal(() => parseSamplerReply({ kind: 'suggestion', id: 0, call: 0, params: 42 }))).toBe(
      'sampler reply.params must be an object (got 42)',
    );
    expect(refusal(() => parseSamplerReply({ kind: 'error', id: 0, call: 0 }))).toBe(
      'sampler reply.message must be a string (got undefined)',
    );
  });

  it('answers an unreadable request with an error the page turns into a failure of every waiting call', async () => {
    const service = new SamplerService();
    expect(await service.handle({ kind: 'next', id: 'zero' })).toEqual({
      kind: 'error',
      id: -1,
      call: -1,
      message: 'sampler request.id must be an integer >= 0 (got "zero")',
    });
  });

  it('refuses to host a sampling that is not model-based, and says so on its first call', async () => {
    const service = new SamplerService();
    const grid = new GridParameterSampling({ a: choice(1, 2) });
    expect(await service.handle({ kind: 'create', id: 1, record: grid.toRecord(), seed: 's' })).toBeNull();
    const reply = await service.handle({ kind: 'next', id: 1, call: 0, context: { observations: [] } });
    expect(reply).toMatchObject({ kind: 'error', id: 1, call: 0 });
    expect(reply?.kind === 'error' && reply.message).toBe(
      'sampler request.record.kind must be bayesian (only model-based sampling runs in the sampler worker; got "grid")',
    );
  });
});

/** A SamplerService behind a real MessageChannel, as the worker serves it. */
function servedOverChannel(): { connection: SamplerConnection; service: SamplerService; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  const service = new SamplerService();
  let queue: Promise<void> = Promise.resolve();
  port2.on('message', (message: unknown) => {
    queue = queue.then(async () => {
      const reply = await service.handle(message);
      if (reply !== null) port2.postMessage(reply);
    });
  });
  const port: SamplerPort = {
    post: (request) => port1.postMessage(request),
    listen: (onMessage) => (port1 as MessagePort).on('message', onMessage),
  };
  return {
    connection: new SamplerConnection(port),
    service,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

async function drive(sampler: Sampler, n: number, running: number): Promise<ParamSet[]> {
  const observations: TrialObservation[] = [];
  const suggested: ParamSet[] = [];
  for (let i = 0; i < n; i += 1) {
    const params = (await sampler.next({ observations, goal: 'MINIMIZE' })) as ParamSet;
    suggested.push(params);
    observations.push({ params, best: undefined, state: 'running' });
    // Keep `running` trials in flight, as a pool would.
    const done = observations.length - 1 - running;
    if (done >= 0) {
      const o = observations[done] as TrialObservation;
      observations[done] = { params: o.params, best: bowl(o.params), state: 'completed' };
    }
  }
  return suggested;
}

describe('sampler worker connection', () => {
  it(
    'gives the seeded sequence of the in-process sampler, pending trials included',
    async () => {
      const { connection, close } = servedOverChannel();
      try {
        const sampling = new BayesianParameterSampling(SPACE, { seed: 11 });
        const remote = await drive(connection.host(sampling, new SeededRandom(1)), 16, 3);
        const local = await drive(sampling.createSampler(new SeededRandom(99)), 16, 3);
        expect(remote).toEqual(local);
        expect(connection.answered).toBe(16);
      } finally {
        close();
      }
    },
    SLOW,
  );

  it(
    'without a seed, draws the seed from the injected source exactly as createSampler does',
    async () => {
      const { connection, close } = servedOverChannel();
      try {
        const sampling = new BayesianParameterSampling(SPACE);
        const remote = await drive(connection.host(sampling, new SeededRandom('same')), 12, 0);
        const local = await drive(sampling.createSampler(new SeededRandom('same')), 12, 0);
        expect(remote).toEqual(local);
      } finally {
        close();
      }
    },
    SLOW,
  );

  it('keeps random and grid sampling in process', async () => {
    const { connection, service, close } = servedOverChannel();
    try {
      const grid = new GridParameterSampling({ a: choice(1, 2, 3) });
      const sampler = connection.host(grid, new SeededRandom(1));
      expect(await sampler.next({ observations: [] })).toEqual({ a: 1 });
      expect(connection.answered).toBe(0);
      expect(service.size).toBe(0);
    } finally {
      close();
    }
  });

  it('fails every waiting and later suggestion when the worker answers out of protocol', async () => {
    let deliver: (message: unknown) => void = () => undefined;
    const connection = new SamplerConnection({
      post: () => undefined,
      listen: (onMessage) => {
        deliver = onMessage;
      },
    });
    const sampler = connection.host(new BayesianParameterSampling(SPACE, { seed: 1 }), new SeededRandom(1));
    const waiting = sampler.next({ observations: [], goal: 'MINIMIZE' });
    deliver({ kind: 'suggestion', id: 0, call: 0, params: 'x=1' });
    await expect(waiting).rejects.toThrow('sampler reply.params must be an object (got "x=1")');
    await expect(sampler.next({ observations: [], goal: 'MINIMIZE' })).rejects.toThrow(SamplerProtocolError);
  });

  it('is refused by Workspace unless it is a function', () => {
    expect(() => new Workspace({ samplerHost: 'worker' as never })).toThrow(ConfigError);
  });
});
