import type { PrimaryMetricGoal } from '../metric/goal.js';
import type { ParamSet, ParamValue } from '../space/expression.js';
import {
  COMMON_WORDS,
  NOT_SHOWN,
  readArray,
  readInteger,
  readOneOf,
  readRecord,
  readText,
  type Boundary,
} from '../validate/index.js';
import { BayesianParameterSampling } from './bayesian.js';
import { samplingFromRecord } from './from-record.js';
import type { Sampler, SamplerContext, SamplerHost, SamplingRecord, TrialObservation } from './sampler.js';

/*
 * The sampler worker's wire protocol: the page asks, the worker suggests. Both directions are
 * validated where they arrive (a worker is another program as far as the page is concerned,
 * and the page's messages are the worker's only input), and every failure names the field,
 * the rule and the value's kind.
 */

/** What the page sends. */
export type SamplerRequest =
  /** Make sampler `id` from a stored sampling and the seed string its `createSampler` would use. */
  | { readonly kind: 'create'; readonly id: number; readonly record: SamplingRecord; readonly seed: string }
  /** The next configuration of sampler `id`; `call` pairs the answer with the question. */
  | { readonly kind: 'next'; readonly id: number; readonly call: number; readonly context: SamplerContext }
  /** The sweep is over: forget sampler `id`. */
  | { readonly kind: 'dispose'; readonly id: number };

/** What the worker answers. */
export type SamplerReply =
  | { readonly kind: 'suggestion'; readonly id: number; readonly call: number; readonly params: ParamSet | null }
  /** The sampler threw (its message), or the request could not be read (id and call -1). */
  | { readonly kind: 'error'; readonly id: number; readonly call: number; readonly message: string };

/** A message outside the sampler protocol. */
export class SamplerProtocolError extends Error {
  override readonly name = 'SamplerProtocolError';
}

const WIRE: Boundary = {
  fail: (field, rule, value) =>
    new SamplerProtocolError(
      value === NOT_SHOWN ? `sampler ${field} ${rule}` : `sampler ${field} ${rule} (got ${kindOf(value)})`,
    ),
  words: { ...COMMON_WORDS, oneOf: (allowed) => `must be one of ${allowed.join(', ')}` },
  oversized: () => NOT_SHOWN,
};

const MAX_OBSERVATIONS = 1_000_000;
const MAX_TEXT = 10_000;
const MAX_DEPTH = 16;
const STATES = ['running', 'completed', 'canceled', 'failed'] as const;
const GOALS = ['MAXIMIZE', 'MINIMIZE'] as const;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return typeof value;
}

function id(path: string, value: unknown): number {
  return readInteger(WIRE, path, value, 0, Number.MAX_SAFE_INTEGER);
}

/** A configuration: names to numbers, strings, booleans or nested configurations (a choice's branch). */
function params(path: string, value: unknown, depth = 0): ParamSet {
  if (depth > MAX_DEPTH) throw WIRE.fail(path, `must not nest deeper than ${MAX_DEPTH} levels`, NOT_SHOWN);
  const fields = readRecord(WIRE, path, value);
  const out: Record<string, ParamValue> = {};
  for (const [key, inner] of Object.entries(fields)) {
    const at = `${path}.${key}`;
    if (typeof inner === 'number' || typeof inner === 'string' || typeof inner === 'boolean') out[key] = inner;
    else if (typeof inner === 'object' && inner !== null && !Array.isArray(inner))
      out[key] = params(at, inner, depth + 1);
    else throw WIRE.fail(at, 'must be a number, a string, a boolean or an object', inner);
  }
  return out;
}

function observation(path: string, value: unknown): TrialObservation {
  const fields = readRecord(WIRE, path, value);
  const best = fields['best'];
  if (best !== undefined && typeof best !== 'number')
    throw WIRE.fail(`${path}.best`, 'must be a number or absent', best);
  return {
    params: params(`${path}.params`, fields['params']),
    best,
    state: readOneOf(WIRE, `${path}.state`, fields['state'], STATES),
  };
}

function observations(path: string, value: unknown): TrialObservation[] {
  return readArray(WIRE, path, value, MAX_OBSERVATIONS).map((item, i) => observation(`${path}[${i}]`, item));
}

function context(path: string, value: unknown): SamplerContext {
  const fields = readRecord(WIRE, path, value);
  const goal: PrimaryMetricGoal | undefined =
    fields['goal'] === undefined ? undefined : readOneOf(WIRE, `${path}.goal`, fields['goal'], GOALS);
  const priors = fields['priors'] === undefined ? undefined : observations(`${path}.priors`, fields['priors']);
  return {
    observations: observations(`${path}.observations`, fields['observations']),
    ...(goal === undefined ? {} : { goal }),
    ...(priors === undefined ? {} : { priors }),
  };
}

function samplingRecord(path: string, value: unknown): SamplingRecord {
  const fields = readRecord(WIRE, path, value);
  const options = readRecord(WIRE, `${path}.options`, fields['options']);
  // The kind and the space are checked by `samplingFromRecord`, with the sampling's own messages.
  return {
    kind: readText(WIRE, `${path}.kind`, fields['kind'], 64) as SamplingRecord['kind'],
    space: fields['space'],
    options,
  };
}

/** Reads a request as the worker receives it. */
export function parseSamplerRequest(value: unknown): SamplerRequest {
  const fields = readRecord(WIRE, 'request', value);
  const kind = readOneOf(WIRE, 'request.kind', fields['kind'], ['create', 'next', 'dispose'] as const);
  switch (kind) {
    case 'create':
      return {
        kind,
        id: id('request.id', fields['id']),
        record: samplingRecord('request.record', fields['record']),
        seed: readText(WIRE, 'request.seed', fields['seed'], 256),
      };
    case 'next':
      return {
        kind,
        id: id('request.id', fields['id']),
        call: id('request.call', fields['call']),
        context: context('request.context', fields['context']),
      };
    case 'dispose':
      return { kind, id: id('request.id', fields['id']) };
  }
}

/** Reads a reply as the page receives it. */
export function parseSamplerReply(value: unknown): SamplerReply {
  const fields = readRecord(WIRE, 'reply', value);
  const kind = readOneOf(WIRE, 'reply.kind', fields['kind'], ['suggestion', 'error'] as const);
  const replyId = readInteger(WIRE, 'reply.id', fields['id'], -1, Number.MAX_SAFE_INTEGER);
  const call = readInteger(WIRE, 'reply.call', fields['call'], -1, Number.MAX_SAFE_INTEGER);
  if (kind === 'error')
    return { kind, id: replyId, call, message: readText(WIRE, 'reply.message', fields['message'], MAX_TEXT) };
  const suggested = fields['params'];
  return { kind, id: replyId, call, params: suggested === null ? null : params('reply.params', suggested) };
}

/**
 * The worker's side: holds one sampler per sweep and answers each request. Requests are
 * handled one at a time in arrival order, so a sampler sees its calls in the order the page
 * made them, exactly as in process.
 */
export class SamplerService {
  private readonly samplers = new Map<number, Sampler>();
  /** Why a sampler could not be made, told to each of its calls. */
  private readonly refused = new Map<number, string>();

  async handle(message: unknown): Promise<SamplerReply | null> {
    let request: SamplerRequest;
    try {
      request = parseSamplerRequest(message);
    } catch (error) {
      return { kind: 'error', id: -1, call: -1, message: errorText(error) };
    }
    switch (request.kind) {
      case 'create': {
        try {
          const sampling = samplingFromRecord(request.record);
          if (!(sampling instanceof BayesianParameterSampling)) {
            throw new SamplerProtocolError(
              `sampler request.record.kind must be bayesian (only model-based sampling runs in the sampler worker; got ${JSON.stringify(sampling.kind)})`,
            );
          }
          this.samplers.set(request.id, sampling.createSeededSampler(request.seed));
          return null;
        } catch (error) {
          this.refused.set(request.id, errorText(error));
          return null;
        }
      }
      case 'next': {
        const sampler = this.samplers.get(request.id);
        if (sampler === undefined) {
          const message = this.refused.get(request.id) ?? `sampler ${request.id} was never created`;
          return { kind: 'error', id: request.id, call: request.call, message };
        }
        try {
          return {
            kind: 'suggestion',
            id: request.id,
            call: request.call,
            params: await sampler.next(request.context),
          };
        } catch (error) {
          return { kind: 'error', id: request.id, call: request.call, message: errorText(error) };
        }
      }
      case 'dispose':
        this.samplers.delete(request.id);
        this.refused.delete(request.id);
        return null;
    }
  }

  /** Samplers alive (for tests and diagnostics). */
  get size(): number {
    return this.samplers.size;
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, MAX_TEXT);
}

/** A message channel to a sampler service: a Worker, a MessagePort, or a test double. */
export interface SamplerPort {
  post(request: SamplerRequest): void;
  /** Called once, with the function every incoming message must be handed to. */
  listen(onMessage: (message: unknown) => void, onFailure: (error: Error) => void): void;
}

interface Waiting {
  readonly resolve: (params: ParamSet | null) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The page's side: a `SamplerHost` whose Bayesian samplers live behind `port` (the sampler
 * worker) and whose other samplings (random, grid: microseconds a call) stay in process.
 * Each suggestion is a promise the orchestrator awaits, so the page's thread only copies the
 * observations out and the suggestion in.
 */
export class SamplerConnection {
  /** Suggestions answered by the worker so far. */
  answered = 0;
  private nextId = 0;
  private readonly waiting = new Map<string, Waiting>();
  private failure: Error | null = null;

  constructor(private readonly port: SamplerPort) {
    port.listen(
      (message) => this.receive(message),
      (error) => this.fail(error),
    );
  }

  readonly host: SamplerHost = (sampling, random) => {
    if (!(sampling instanceof BayesianParameterSampling)) return sampling.createSampler(random);
    const samplerId = this.nextId++;
    this.port.post({ kind: 'create', id: samplerId, record: sampling.toRecord(), seed: sampling.samplerSeed(random) });
    let calls = 0;
    return {
      next: (context) => {
        if (this.failure !== null) return Promise.reject(this.failure);
        const call = calls++;
        return new Promise<ParamSet | null>((resolve, reject) => {
          this.waiting.set(`${samplerId}:${call}`, { resolve, reject });
          // Only the fields of the protocol: a caller's observation objects may carry more.
          this.port.post({ kind: 'next', id: samplerId, call, context: wireContext(context) });
        });
      },
    };
  };

  private receive(message: unknown): void {
    let reply: SamplerReply;
    try {
      reply = parseSamplerReply(message);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (reply.id === -1) {
      const why = reply.kind === 'error' ? reply.message : 'it answered no request';
      this.fail(new SamplerProtocolError(`the sampler worker refused a request: ${why}`));
      return;
    }
    const key = `${reply.id}:${reply.call}`;
    const waiting = this.waiting.get(key);
    if (waiting === undefined) {
      this.fail(new SamplerProtocolError(`the sampler worker answered call ${key}, which nobody asked`));
      return;
    }
    this.waiting.delete(key);
    if (reply.kind === 'error') waiting.reject(new Error(reply.message));
    else {
      this.answered += 1;
      waiting.resolve(reply.params);
    }
  }

  /** The worker died or spoke out of protocol: every waiting and later suggestion fails with why. */
  private fail(error: Error): void {
    this.failure = error;
    for (const entry of this.waiting.values()) entry.reject(error);
    this.waiting.clear();
  }
}

function wireContext(context: SamplerContext): SamplerContext {
  const strip = (o: TrialObservation): TrialObservation => ({ params: o.params, best: o.best, state: o.state });
  return {
    observations: context.observations.map(strip),
    ...(context.goal === undefined ? {} : { goal: context.goal }),
    ...(context.priors === undefined ? {} : { priors: context.priors.map(strip) }),
  };
}
