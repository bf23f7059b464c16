import { ConfigError, describeValue } from '../errors.js';
import { HyperDriveConfig, type HyperDriveConfigOptions } from '../experiment/config.js';
import type { SweepFileWarning } from './azure-sweep-job.js';
import {
  type ParsedSweepFile,
  type ParseSweepFileOptions,
  parseSweepFile,
  SweepFileError,
} from './parse-sweep-file.js';
import { decodeShareLink, encodeShareLink } from './share-link.js';
import { specDifferences } from './spec-differences.js';
import type { SweepFile } from './sweep-file.js';
import {
  exportSweepJobJson,
  exportSweepJobYaml,
  type ParsedSweepJob,
  type ParseSweepJobOptions,
  parseSweepJobText,
} from './sweep-job-text.js';
import { toOptunaScript } from './to-optuna-script.js';

/*
 * A spec service behind a message port (issue 13, item 4): reading a spec at the size limits
 * (1,000 parameters, 50,000 values) takes 40-280 ms of JSON/YAML reading, validation and
 * config building, and an Azure YAML export up to 400 ms, each one task. The Studio runs them in
 * a worker (src/spec-worker) so that no main-thread task reaches 50 ms; the answers are plain
 * data (the normalised spec, the config's summary, the error's field, rule, value and message),
 * so results and messages are exactly those of the in-process functions.
 */

/** A parsed spec without its config objects (which are classes and stay in the worker). */
export interface CheckedSweepFile {
  readonly experimentName: string;
  readonly backend?: ParsedSweepFile['backend'];
  readonly spec: SweepFile;
  readonly warnings: readonly SweepFileWarning[];
  /** Set for a spec read from text: an Azure ML sweep job or Overdrive's own form. */
  readonly origin?: ParsedSweepJob['origin'];
}

/** What the builder shows of the config a valid spec makes. */
export interface ConfigSummary {
  readonly warnings: readonly string[];
  readonly maxTotalRuns: number;
  readonly maxConcurrentRuns: number;
  readonly samplingKind: string;
  readonly policyKind: string;
  readonly trialTimeoutSeconds: number | undefined;
}

/** Config fields that come from elsewhere than the spec (warm start, resumed runs). */
export type SpecConfigExtras = Pick<HyperDriveConfigOptions, 'resumeFrom' | 'resumeChildRuns'>;

export type SpecExportFormat = 'azure-yaml' | 'azure-json' | 'optuna';

/** An error as data: a ConfigError's parts (and a SweepFileError's position), or any error's name and message. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly config?: {
    readonly field: string;
    readonly rule: string;
    readonly value: unknown;
    readonly located?: {
      readonly source: string | undefined;
      readonly line: number | undefined;
      readonly column: number | undefined;
    };
  };
}

export type SpecRequest =
  | { readonly kind: 'parse-text'; readonly id: number; readonly text: string; readonly options: ParseSweepJobOptions }
  | {
      readonly kind: 'decode-link';
      readonly id: number;
      readonly link: string;
      readonly options: ParseSweepFileOptions;
    }
  | {
      readonly kind: 'check';
      readonly id: number;
      readonly input: unknown;
      readonly options: ParseSweepFileOptions;
      /** A spec just loaded into the form: the answer names where the form's spec differs from it. */
      readonly compareTo?: SweepFile;
    }
  /** Kept by the service for the checks after it (sent when they change, not with every keystroke). */
  | { readonly kind: 'config-extras'; readonly id: number; readonly extras: SpecConfigExtras }
  | { readonly kind: 'encode-link'; readonly id: number; readonly spec: SweepFile; readonly baseUrl: string }
  | { readonly kind: 'export'; readonly id: number; readonly format: SpecExportFormat; readonly spec: SweepFile };

export type WireSpecCheck =
  | {
      readonly kind: 'valid';
      readonly parsed: CheckedSweepFile;
      readonly config: ConfigSummary;
      readonly changes: readonly string[];
    }
  | { readonly kind: 'invalid'; readonly error: WireError; readonly changes: readonly string[] };

export type SpecReply =
  | { readonly kind: 'parsed'; readonly id: number; readonly parsed: CheckedSweepFile }
  | { readonly kind: 'checked'; readonly id: number; readonly check: WireSpecCheck }
  | {
      readonly kind: 'text';
      readonly id: number;
      readonly text: string;
      readonly warnings: readonly SweepFileWarning[];
    }
  | { readonly kind: 'failed'; readonly id: number; readonly error: WireError };

/** The outcome of checking the form's spec: valid with its summary, or the error (a ConfigError when it names a field). */
export type SpecCheck =
  | {
      readonly kind: 'valid';
      readonly parsed: CheckedSweepFile;
      readonly config: ConfigSummary;
      readonly changes: readonly string[];
    }
  | { readonly kind: 'invalid'; readonly error: Error; readonly changes: readonly string[] };

/** The service's side: answers each request with the in-process functions. */
export class SpecService {
  private extras: SpecConfigExtras = {};

  async handle(request: SpecRequest): Promise<SpecReply | null> {
    try {
      switch (request.kind) {
        case 'parse-text':
          return { kind: 'parsed', id: request.id, parsed: checked(parseSweepJobText(request.text, request.options)) };
        case 'decode-link':
          return {
            kind: 'parsed',
            id: request.id,
            parsed: checked(await decodeShareLink(request.link, request.options)),
          };
        case 'check':
          return { kind: 'checked', id: request.id, check: this.check(request) };
        case 'config-extras':
          this.extras = request.extras;
          return null;
        case 'encode-link':
          return {
            kind: 'text',
            id: request.id,
            text: await encodeShareLink(request.spec, request.baseUrl),
            warnings: [],
          };
        case 'export': {
          const out =
            request.format === 'azure-yaml'
              ? exportSweepJobYaml(request.spec)
              : request.format === 'azure-json'
                ? exportSweepJobJson(request.spec)
                : toOptunaScript(request.spec);
          return { kind: 'text', id: request.id, text: out.text, warnings: out.warnings };
        }
      }
    } catch (error) {
      return { kind: 'failed', id: request.id, error: toWireError(error) };
    }
  }

  private check(request: Extract<SpecRequest, { kind: 'check' }>): WireSpecCheck {
    let parsed: ParsedSweepFile;
    try {
      parsed = parseSweepFile(request.input, request.options);
    } catch (error) {
      const changes =
        request.compareTo === undefined
          ? []
          : [`the whole spec (the form cannot hold it: ${error instanceof Error ? error.message : String(error)})`];
      return { kind: 'invalid', error: toWireError(error), changes };
    }
    const changes = request.compareTo === undefined ? [] : specDifferences(request.compareTo, parsed.spec);
    let config: HyperDriveConfig;
    try {
      config = new HyperDriveConfig({ ...parsed.hyperDriveConfigOptions, ...this.extras });
    } catch (error) {
      return { kind: 'invalid', error: toWireError(error), changes };
    }
    return {
      kind: 'valid',
      parsed: checked(parsed),
      config: {
        warnings: config.warnings,
        maxTotalRuns: config.maxTotalRuns,
        maxConcurrentRuns: config.maxConcurrentRuns,
        samplingKind: config.hyperparameterSampling.kind,
        policyKind: config.policy.kind,
        trialTimeoutSeconds: config.trialTimeoutSeconds,
      },
      changes,
    };
  }
}

function checked(parsed: ParsedSweepFile | ParsedSweepJob): CheckedSweepFile {
  return {
    experimentName: parsed.experimentName,
    ...(parsed.backend === undefined ? {} : { backend: parsed.backend }),
    spec: parsed.spec,
    warnings: parsed.warnings,
    ...('origin' in parsed ? { origin: parsed.origin } : {}),
  };
}

/** An error as data that survives postMessage: a value that cannot be cloned travels as its description. */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  if (!(error instanceof ConfigError)) return { name: error.name, message: error.message };
  let value: unknown;
  try {
    value = structuredClone(error.value);
  } catch {
    value = describeValue(error.value);
  }
  const located =
    error instanceof SweepFileError ? { source: error.source, line: error.line, column: error.column } : undefined;
  return {
    name: error.name,
    message: error.message,
    config: { field: error.field, rule: error.rule, value, ...(located === undefined ? {} : { located }) },
  };
}

/** The error again, as the class the in-process call threw (same field, rule, value and message). */
export function fromWireError(wire: WireError): Error {
  const c = wire.config;
  if (c === undefined) {
    const error = new Error(wire.message);
    error.name = wire.name;
    return error;
  }
  if (c.located !== undefined)
    return new SweepFileError(
      c.field,
      c.rule,
      c.value,
      wire.message,
      c.located.source,
      c.located.line,
      c.located.column,
    );
  return new ConfigError(c.field, c.rule, c.value, wire.message);
}

/** A message channel to a spec service: a Worker, or a test double. */
export interface SpecPort {
  post(request: SpecRequest): void;
  /** Called once, with the function every incoming message must be handed to. */
  listen(onMessage: (message: unknown) => void, onFailure: (error: Error) => void): void;
}

type SpecRequestBody = SpecRequest extends infer R ? (R extends SpecRequest ? Omit<R, 'id'> : never) : never;

const REPLY_KINDS: ReadonlySet<string> = new Set(['parsed', 'checked', 'text', 'failed']);

/**
 * The page's side. Requests are answered in order; should the worker fail to start or die (a
 * host that refuses workers), every waiting and later request is answered in process by the same
 * service, so the results stay the same and only the page's thread pays.
 */
export class SpecConnection {
  private nextId = 1;
  private readonly waiting = new Map<number, { request: SpecRequest; resolve: (reply: SpecReply) => void }>();
  private local: SpecService | null = null;
  private extras: SpecConfigExtras | null = null;
  /** Why the worker is not used, once it failed (for diagnostics). */
  failure: Error | null = null;

  constructor(private readonly port: SpecPort | null) {
    if (port === null) this.local = new SpecService();
    else
      port.listen(
        (message) => this.receive(message),
        (error) => this.fail(error),
      );
  }

  /** Spec text, JSON or YAML, Overdrive's or an Azure ML sweep job (see `parseSweepJobText`). */
  async parseText(text: string, options: ParseSweepJobOptions): Promise<CheckedSweepFile> {
    return parsedOf(await this.request({ kind: 'parse-text', text, options }));
  }

  /** A share link's sweep (see `decodeShareLink`). */
  async decodeLink(link: string, options: ParseSweepFileOptions): Promise<CheckedSweepFile> {
    return parsedOf(await this.request({ kind: 'decode-link', link, options }));
  }

  /** Parses a spec input and builds its config; `compareTo` asks where the result differs from it. */
  async check(input: unknown, options: ParseSweepFileOptions, compareTo?: SweepFile): Promise<SpecCheck> {
    const reply = await this.request({
      kind: 'check',
      input,
      options,
      ...(compareTo === undefined ? {} : { compareTo }),
    });
    if (reply.kind === 'failed') throw fromWireError(reply.error);
    if (reply.kind !== 'checked') throw unexpected(reply);
    const c = reply.check;
    return c.kind === 'valid' ? c : { kind: 'invalid', error: fromWireError(c.error), changes: c.changes };
  }

  /** The warm-start and resumed runs every later check's config includes. */
  setConfigExtras(extras: SpecConfigExtras): void {
    this.extras = extras;
    this.send({ kind: 'config-extras', id: 0, extras });
  }

  async encodeLink(spec: SweepFile, baseUrl: string): Promise<string> {
    return (await this.text({ kind: 'encode-link', spec, baseUrl })).text;
  }

  /** An Azure ML job (YAML or JSON) or an Optuna script, with what the target runs differently. */
  exportText(
    format: SpecExportFormat,
    spec: SweepFile,
  ): Promise<{ text: string; warnings: readonly SweepFileWarning[] }> {
    return this.text({ kind: 'export', format, spec });
  }

  private async text(body: SpecRequestBody): Promise<{ text: string; warnings: readonly SweepFileWarning[] }> {
    const reply = await this.request(body);
    if (reply.kind === 'failed') throw fromWireError(reply.error);
    if (reply.kind !== 'text') throw unexpected(reply);
    return { text: reply.text, warnings: reply.warnings };
  }

  private request(body: SpecRequestBody): Promise<SpecReply> {
    const request = { ...body, id: this.nextId++ } as SpecRequest;
    return new Promise<SpecReply>((resolve) => {
      if (this.local !== null) {
        void this.local.handle(request).then((reply) => {
          if (reply !== null) resolve(reply);
        });
        return;
      }
      this.waiting.set(request.id, { request, resolve });
      this.send(request);
    });
  }

  private send(request: SpecRequest): void {
    if (this.local !== null) {
      void this.local.handle(request);
      return;
    }
    try {
      this.port?.post(request);
    } catch (error) {
      // A value postMessage cannot clone: nothing the spec functions return, but then in process.
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private receive(message: unknown): void {
    if (
      typeof message !== 'object' ||
      message === null ||
      !REPLY_KINDS.has(String((message as { kind?: unknown }).kind)) ||
      typeof (message as { id?: unknown }).id !== 'number'
    ) {
      this.fail(new Error(`the spec worker answered out of protocol: ${describeValue(message)}`));
      return;
    }
    const reply = message as SpecReply;
    const entry = this.waiting.get(reply.id);
    if (entry === undefined) return;
    this.waiting.delete(reply.id);
    entry.resolve(reply);
  }

  /** From now on in process; what the worker had not answered is answered here. */
  private fail(error: Error): void {
    if (this.local !== null) return;
    this.failure = error;
    const local = new SpecService();
    this.local = local;
    if (this.extras !== null) void local.handle({ kind: 'config-extras', id: 0, extras: this.extras });
    const pending = [...this.waiting.values()];
    this.waiting.clear();
    for (const { request, resolve } of pending) {
      void local.handle(request).then((reply) => {
        if (reply !== null) resolve(reply);
      });
    }
  }
}

function parsedOf(reply: SpecReply): CheckedSweepFile {
  if (reply.kind === 'failed') throw fromWireError(reply.error);
  if (reply.kind !== 'parsed') throw unexpected(reply);
  return reply.parsed;
}

function unexpected(reply: SpecReply): Error {
  return new Error(`the spec worker answered request ${reply.id} with "${reply.kind}", which it did not ask for`);
}
