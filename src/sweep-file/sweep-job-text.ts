import { Document, isMap, isScalar, visit } from 'yaml';
import { ConfigError } from '../errors.js';
import {
  isAzureSweepJob,
  OVERLAY_PROPERTY,
  specInputFromAzureJob,
  toAzureSweepJob,
  type AzureExportOptions,
  type SweepFileWarning,
} from './azure-sweep-job.js';
import { JsonTextError, parseLocatedJson, type LocatedJson } from './json-text.js';
import {
  locationText,
  atFieldPosition,
  parseSweepFile,
  SWEEP_FILE_ROOT_FIELD,
  SweepFileError,
  type ParsedSweepFile,
  type ParseSweepFileOptions,
} from './parse-sweep-file.js';
import { field, isPlainObject } from './file-fields.js';
import type { SweepFileTrial, SweepFile } from './sweep-file.js';
import { parseLocatedYaml, YamlTextError } from './yaml-text.js';

/** An exported sweep job: the file's text, and what Azure will run differently (never silently). */
export interface SweepJobText {
  readonly text: string;
  readonly warnings: readonly SweepFileWarning[];
}

export type SweepJobFormat = 'yaml' | 'json';

export interface ParseSweepJobOptions extends ParseSweepFileOptions {
  /**
   * The browser trial when the job names none (an Azure job whose trial is only a command):
   * a built-in example name or `{ module: url }`. A trial the job does name wins.
   */
  readonly trial?: string | SweepFileTrial;
  /** `auto` (the default): JSON when the text starts with `{`, YAML otherwise. */
  readonly format?: SweepJobFormat | 'auto';
}

export interface ParsedSweepJob extends ParsedSweepFile {
  /** `azure`: an Azure ML sweep job (command trial); `overdrive`: Overdrive's own spec form. */
  readonly origin: 'azure' | 'overdrive';
  /**
   * Overlay entries not applied because the Azure field was edited, and the like, then what the
   * spec says but this runtime does not act on (see `ParsedSweepFile.warnings`).
   */
  readonly warnings: readonly SweepFileWarning[];
}

/**
 * The sweep as an Azure ML v2 sweep job in YAML (`az ml job create --file job.yml`), with a
 * header saying how to submit it and listing the warnings as comments too.
 */
export function exportSweepJobYaml(spec: SweepFile, options: AzureExportOptions = {}): SweepJobText {
  const { job, warnings } = toAzureSweepJob(spec, options);
  const doc = new Document(job);
  // Short lists of values read best inline: `values: [16, 32, 64]`.
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  const header = [
    ' Azure ML v2 sweep job, exported by Overdrive. To run it on Azure: point trial.code,',
    ' trial.environment and compute at your own, then `az ml job create --file <this file>`.',
    ` properties.${OVERLAY_PROPERTY} keeps what Azure cannot express (the browser trial, ...);`,
    ' Overdrive reads it back when this file is imported.',
  ];
  if (warnings.length > 0) {
    header.push('', ' Differences on Azure:');
    for (const warning of warnings)
      header.push(
        ...wrap(`- ${warning.field}: ${warning.message}`, 96).map((line, i) => (i === 0 ? ` ${line}` : `   ${line}`)),
      );
  }
  doc.commentBefore = header.join('\n');
  if (isMap(doc.contents)) {
    const pair = doc.contents.items.find((item) => isScalar(item.key) && item.key.value === 'properties');
    if (pair !== undefined && isScalar(pair.key)) {
      pair.key.commentBefore = ` ${OVERLAY_PROPERTY}: Overdrive's extension (JSON), replacing the Azure fields it names on import`;
    }
  }
  return { text: doc.toString({ lineWidth: 100, flowCollectionPadding: false }), warnings };
}

/** Splits `text` into lines of at most `width` characters at spaces (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The same job as JSON (Azure reads JSON job files too); the warnings come back beside it. */
export function exportSweepJobJson(spec: SweepFile, options: AzureExportOptions = {}): SweepJobText {
  const { job, warnings } = toAzureSweepJob(spec, options);
  return { text: `${JSON.stringify(job, null, 2)}\n`, warnings };
}

/**
 * Reads a sweep job already parsed from YAML or JSON: an Azure ML v2 sweep job (its trial a
 * command; the browser trial from `properties.overdrive` or `options.trial`), or Overdrive's
 * own spec. Errors name the field as it is written in the job.
 */
export function parseSweepJob(value: unknown, options: ParseSweepJobOptions = {}): ParsedSweepJob {
  try {
    return interpret(value, options);
  } catch (error) {
    if (error instanceof ConfigError && options.source !== undefined && !(error instanceof SweepFileError)) {
      throw new SweepFileError(
        error.field,
        error.rule,
        error.value,
        `${options.source}: ${error.message}`,
        options.source,
        undefined,
        undefined,
      );
    }
    throw error;
  }
}

/**
 * Reads the text of a sweep job file, YAML or JSON, in either form (see `parseSweepJob`).
 * Syntax errors and spec errors alike come with their line and column.
 */
export function parseSweepJobText(text: string, options: ParseSweepJobOptions = {}): ParsedSweepJob {
  if (typeof text !== 'string')
    throw new ConfigError(SWEEP_FILE_ROOT_FIELD, 'must be the text of a YAML or JSON file', text);
  const format = options.format === undefined || options.format === 'auto' ? sniff(text) : options.format;
  const located = readText(text, format, options.source);
  return atFieldPosition(located.positions, options.source, () => interpret(located.value, options));
}

function sniff(text: string): SweepJobFormat {
  // trimStart also drops a byte-order mark.
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function readText(text: string, format: SweepJobFormat, source: string | undefined): LocatedJson {
  try {
    return format === 'json' ? parseLocatedJson(text) : parseLocatedYaml(text);
  } catch (error) {
    if (!(error instanceof JsonTextError) && !(error instanceof YamlTextError)) throw error;
    const fieldName = error.path === '' ? SWEEP_FILE_ROOT_FIELD : error.path;
    const rule = `must be valid ${format === 'json' ? 'JSON' : 'YAML'}: ${error.problem}`;
    const where = locationText(source, error.position);
    throw new SweepFileError(
      fieldName,
      rule,
      error.found,
      `${where}: ${fieldName}: ${rule} (got ${error.found ?? 'the end of the text'})`,
      source,
      error.position.line,
      error.position.column,
    );
  }
}

function interpret(value: unknown, options: ParseSweepJobOptions): ParsedSweepJob {
  const specOptions: ParseSweepFileOptions =
    options.builtinTrials === undefined ? {} : { builtinTrials: options.builtinTrials };
  if (isPlainObject(value) && isAzureSweepJob(value)) {
    const { raw, warnings, jobPathOf } = specInputFromAzureJob(value, options.trial);
    let parsed: ParsedSweepFile;
    try {
      parsed = parseSweepFile(raw, specOptions);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw renamed(error, jobPathOf(error.field));
    }
    return Object.freeze({
      ...parsed,
      origin: 'azure' as const,
      warnings: Object.freeze([...warnings, ...parsed.warnings]),
    });
  }
  const input =
    isPlainObject(value) && field(value, 'trial') === undefined && options.trial !== undefined
      ? { ...value, trial: options.trial }
      : value;
  return Object.freeze({ ...parseSweepFile(input, specOptions), origin: 'overdrive' as const });
}

function renamed(error: ConfigError, fieldName: string): ConfigError {
  if (fieldName === error.field) return error;
  const prefix = `${error.field}: `;
  const message = error.message.startsWith(prefix)
    ? `${fieldName}: ${error.message.slice(prefix.length)}`
    : `${fieldName}: ${error.message}`;
  return new ConfigError(fieldName, error.rule, error.value, message);
}
