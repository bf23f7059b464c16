import { choice, loguniform, quniform, uniform } from '../space/constructors.js';
import type { SearchSpaceDefinition } from '../space/expression.js';

// The data templates' default search spaces, in a module without TF.js so the Studio's builder
// can fill them in without loading a model library. tabular-mlp.ts and image-cnn.ts read every
// parameter named here (a unit test checks each is accepted).

/**
 * tabular-mlp: every hyperparameter the template reads, with ranges that suit tables of hundreds
 * to hundreds of thousands of rows. Log-uniform bounds are natural logs (HyperDrive's
 * convention): learning rate 1e-4 to 3e-2, L2 1e-6 to 1e-2.
 */
export const TABULAR_MLP_SEARCH_SPACE: SearchSpaceDefinition = {
  hidden_layers: choice(1, 2, 3),
  hidden_units: choice(16, 32, 64, 128),
  activation: choice('relu', 'tanh', 'elu'),
  dropout: uniform(0, 0.3),
  l2: loguniform(Math.log(1e-6), Math.log(1e-2)),
  learning_rate: loguniform(Math.log(1e-4), Math.log(3e-2)),
  optimizer: choice('adam', 'rmsprop', 'sgd'),
  batch_size: choice(16, 32, 64),
  epochs: 30,
};

/**
 * image-cnn: digits-cnn's conv hyperparameters (`conv_layers`, `filters`, `kernel_size`) and the
 * dense head's. Three blocks need images of at least 8x8. Learning rate 1e-4 to 1e-2.
 */
export const IMAGE_CNN_SEARCH_SPACE: SearchSpaceDefinition = {
  conv_layers: choice(1, 2, 3),
  filters: choice(8, 16, 32),
  kernel_size: choice(3, 5),
  hidden_layers: choice(0, 1),
  hidden_units: quniform(32, 128, 32),
  dropout: uniform(0, 0.4),
  learning_rate: loguniform(Math.log(1e-4), Math.log(1e-2)),
  optimizer: choice('adam', 'rmsprop'),
  batch_size: choice(16, 32),
  epochs: 15,
};

/**
 * The metric a sweep on a data template optimises, by task, and in which direction: accuracy
 * for classification, RMSE in the target's units for regression (image-cnn only classifies).
 */
export const TEMPLATE_PRIMARY_METRIC = {
  classification: { metric: 'val_accuracy', goal: 'maximize' },
  regression: { metric: 'val_rmse', goal: 'minimize' },
} as const;

/** The metrics each task logs every epoch, in the order logged (the primary one last). */
export const TEMPLATE_METRICS = {
  classification: ['loss', 'accuracy', 'val_loss', 'val_accuracy'],
  regression: ['loss', 'val_loss', 'val_mae', 'val_rmse'],
} as const;

/** A data template's default search space by name. */
export function templateSearchSpace(template: 'tabular-mlp' | 'image-cnn'): SearchSpaceDefinition {
  return template === 'tabular-mlp' ? TABULAR_MLP_SEARCH_SPACE : IMAGE_CNN_SEARCH_SPACE;
}
