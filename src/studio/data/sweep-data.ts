import {
  type ImagePreparationSpec,
  type PreparationSpec,
  parseImagePreparationSpec,
  parsePreparationSpec,
  type SweepRecord,
} from '../engine.js';
import type { BuilderState } from '../builder/form-state.js';
import type { DataChoice } from './data-step.js';

/** The stored dataset a sweep was trained on (its data binding's id), or null for a sweep without one. */
export function sweepDatasetId(record: SweepRecord): string | null {
  return record.config.data?.dataset ?? null;
}

/** The file or folder name of the sweep's data, for people. */
export function sweepDataName(record: SweepRecord): string | null {
  return record.config.data?.name ?? null;
}

/**
 * The sweep file's `data` field for a choice made in the Data step: the stored dataset's id and
 * name with the preparation spec in the file's snake_case (the spec, never the fitted numbers
 * or the bytes; see SweepFileData).
 */
export function dataBindingFile(choice: DataChoice): Record<string, unknown> {
  const { validationFraction, ...rest } = choice.preparation;
  return { dataset: choice.dataset.id, name: choice.dataset.name, ...rest, validation_fraction: validationFraction };
}

/**
 * The data binding a builder state carries (from a loaded spec, in the file's form), or null
 * when it names no stored dataset or its preparation does not read (the spec parser names what
 * is wrong beside the form).
 */
export function keptDataBinding(
  state: BuilderState,
): { readonly dataset: string; readonly preparation: PreparationSpec | ImagePreparationSpec } | null {
  const data = state.kept?.['data'];
  if (typeof data !== 'object' || data === null) return null;
  const { dataset, name: _name, validation_fraction, ...rest } = data as Record<string, unknown>;
  if (typeof dataset !== 'string') return null;
  const preparation = {
    ...rest,
    ...(validation_fraction === undefined ? {} : { validationFraction: validation_fraction }),
  };
  try {
    return {
      dataset,
      preparation:
        rest['kind'] === 'images' ? parseImagePreparationSpec(preparation) : parsePreparationSpec(preparation),
    };
  } catch {
    return null;
  }
}
