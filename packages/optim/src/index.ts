/**
 * @nn/optim: optimizers as plugins (DESIGN.md). The object users call (`new Adam(params, { lr })`,
 * `step()`, `zeroGrad()`, parameter groups, `stateDict()`), the plugin contract every built-in
 * is written with (`defineOptimizer`, `registerOptimizer`, `createOptimizer`), every optimizer
 * of PyTorch 1.13 with its options and exact update rule (one fused kernel per parameter),
 * LR schedulers, and gradient clipping.
 *
 * @module @nn/optim
 */

export { clipGradNorm, clipGradValue } from "./clip.js";
export {
  DefinedOptimizer,
  defineOptimizer,
  type OptimizerDefinition,
  type OptimizerFactory,
  type OptimizerSpec,
  type UpdateContext,
} from "./define.js";
export { effectiveGrad, fusedVariants } from "./fused.js";
export {
  checkBetas,
  checkBoolean,
  checkCommon,
  checkFiniteNonNegative,
  checkInRange,
  checkNonNegative,
  type Defaults,
  type Hyperparameters,
  type HyperValue,
  required,
} from "./hyperparameters.js";
export { type LeakWarningOptions, setLeakWarning } from "./leak-warning.js";
export {
  type Closure,
  Optimizer,
  type OptimizerStateDict,
  type ParamState,
  type SavedParamGroup,
  type StateValue,
} from "./optimizer.js";
export {
  Adadelta,
  type AdadeltaHyperparameters,
  type AdadeltaOptions,
  type AdadeltaState,
  adadelta,
} from "./optimizers/adadelta.js";
export {
  Adagrad,
  type AdagradHyperparameters,
  type AdagradOptions,
  type AdagradState,
  adagrad,
} from "./optimizers/adagrad.js";
export {
  Adam,
  type AdamHyperparameters,
  type AdamOptions,
  type AdamState,
  AdamW,
  type AdamWHyperparameters,
  type AdamWOptions,
  adam,
  adamw,
} from "./optimizers/adam.js";
export {
  Adamax,
  type AdamaxHyperparameters,
  type AdamaxOptions,
  type AdamaxState,
  adamax,
} from "./optimizers/adamax.js";
export {
  ASGD,
  type ASGDHyperparameters,
  type ASGDOptions,
  type ASGDState,
  asgd,
} from "./optimizers/asgd.js";
export {
  LBFGS,
  type LBFGSHyperparameters,
  type LBFGSOptions,
  type LBFGSState,
  lbfgs,
} from "./optimizers/lbfgs.js";
export {
  NAdam,
  type NAdamHyperparameters,
  type NAdamOptions,
  type NAdamState,
  nadam,
} from "./optimizers/nadam.js";
export {
  RAdam,
  type RAdamHyperparameters,
  type RAdamOptions,
  type RAdamState,
  radam,
} from "./optimizers/radam.js";
export {
  RMSprop,
  type RMSpropHyperparameters,
  type RMSpropOptions,
  type RMSpropState,
  rmsprop,
} from "./optimizers/rmsprop.js";
export {
  Rprop,
  type RpropHyperparameters,
  type RpropOptions,
  type RpropState,
  rprop,
} from "./optimizers/rprop.js";
export {
  SGD,
  type SGDHyperparameters,
  type SGDOptions,
  type SGDState,
  sgd,
} from "./optimizers/sgd.js";
export type { ParamGroup, ParamGroupInput, ParamsInput } from "./param-groups.js";
export {
  createOptimizer,
  getOptimizer,
  listOptimizers,
  registerOptimizer,
  unregisterOptimizer,
} from "./registry.js";
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from "./schedulers/cosine-lr.js";
export { LambdaLR, type LrLambda, MultiplicativeLR } from "./schedulers/lambda-lr.js";
export { LinearLR } from "./schedulers/linear-lr.js";
export { LRScheduler, type ScheduledOptimizer } from "./schedulers/lr-scheduler.js";
export { OneCycleLR, type OneCycleLROptions } from "./schedulers/one-cycle-lr.js";
export {
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
} from "./schedulers/reduce-lr-on-plateau.js";
export { SequentialLR } from "./schedulers/sequential-lr.js";
export { ConstantLR, ExponentialLR, MultiStepLR, StepLR } from "./schedulers/step-lr.js";
export { type JSONValue, stateDictFromJSON, stateDictToJSON } from "./state-json.js";
export {
  addDecayedWeights,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  type GradientTransformation,
  type ScaleByAdamState,
  scale,
  scaleByAdam,
  scaleBySchedule,
} from "./transforms.js";
