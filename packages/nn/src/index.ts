/**
 * @nn/nn: neural-network building blocks for @nn/tensor, in PyTorch's shapes and names:
 * Module and Parameter, layers (Linear, Conv1d, Conv2d, Sequential, ModuleList, Dropout,
 * Dropout2d, Flatten, Identity, LayerNorm, BatchNorm1d, BatchNorm2d, MaxPool2d, AvgPool2d,
 * AdaptiveAvgPool2d, Embedding, PReLU, activation modules), losses with PyTorch's `reduction`,
 * in-place seeded initialisers (`init`), and state dicts in the safetensors format. Browser-safe;
 * file helpers are in `@nn/nn/node`.
 *
 * @module @nn/nn
 */
export { SafetensorsError, StateDictError } from "./errors.js";
export { calculateGain } from "./init/gain.js";
export * as init from "./init/index.js";
export { Activation, type ActivationFunction, activationModule } from "./layers/activation.js";
export {
  CELU,
  ELU,
  GELU,
  GLU,
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  LeakyReLU,
  LogSigmoid,
  LogSoftmax,
  Mish,
  ReLU,
  ReLU6,
  RReLU,
  SELU,
  Sigmoid,
  SiLU,
  Softmax,
  Softmin,
  Softplus,
  Softshrink,
  Softsign,
  Tanh,
  Tanhshrink,
  Threshold,
} from "./layers/activations.js";
export { ModuleList, Sequential } from "./layers/containers.js";
export {
  Conv1d,
  Conv2d,
  type ConvModuleOptions,
  type ConvOptions,
  conv1d,
  conv2d,
} from "./layers/conv.js";
export { Dropout, Dropout2d, type DropoutOptions, dropout, dropout2d } from "./layers/dropout.js";
export { Embedding, type EmbeddingOptions, embedding } from "./layers/embedding.js";
export { type LayerOptions, Linear, linear } from "./layers/linear.js";
export {
  BatchNorm1d,
  type BatchNorm1dOptions,
  BatchNorm2d,
  type BatchNorm2dOptions,
  type BatchNormOptions,
  batchNorm,
  LayerNorm,
  type LayerNormOptions,
  layerNorm,
} from "./layers/normalization.js";
export {
  AdaptiveAvgPool2d,
  AvgPool2d,
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  MaxPool2d,
  type MaxPool2dOptions,
  maxPool2d,
  type Size2d,
} from "./layers/pooling.js";
export { PReLU, type PReLUOptions } from "./layers/prelu.js";
export { Flatten, Identity } from "./layers/simple.js";
export {
  type BCEOptions,
  type BCEWithLogitsOptions,
  bceLoss,
  bceWithLogitsLoss,
} from "./losses/binary.js";
export {
  type CrossEntropyOptions,
  crossEntropy,
  type NLLOptions,
  nllLoss,
} from "./losses/classification.js";
export { type KLDivOptions, klDiv } from "./losses/kl-div.js";
export type { Reduction } from "./losses/reduction.js";
export { huberLoss, type LossOptions, l1Loss, mseLoss, smoothL1Loss } from "./losses/regression.js";
export {
  isModule,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  type StateDict,
} from "./module.js";
export { isParameter, Parameter } from "./parameter.js";
export {
  type LoadSafetensorsOptions,
  loadSafetensors,
  safetensorsMetadata,
  saveSafetensors,
} from "./safetensors/io.js";
export { loadStateDictFrom, saveStateDict } from "./safetensors/state-dict.js";
