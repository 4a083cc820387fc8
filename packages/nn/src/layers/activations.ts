/**
 * A module for every activation of @nn/activations (PyTorch's class names): the elementwise ones
 * from their definitions via `activationModule`, and the composites (Softmax, LogSoftmax,
 * Softmin, GLU, RReLU) as small classes. Options are those of the functions, e.g.
 * `new LeakyReLU({ negativeSlope: 0.2 })`, `new GELU({ approximate: "tanh" })`.
 */
import {
  celu,
  elu,
  gelu,
  glu,
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  mish,
  type RReLUOptions,
  relu,
  relu6,
  rrelu,
  selu,
  sigmoid,
  silu,
  softmax,
  softmin,
  softplus,
  softshrink,
  softsign,
  tanhActivation,
  tanhshrink,
  threshold,
} from "@nn/activations";
import type { Tensor } from "@nn/tensor";
import { Module } from "../module.js";
import { activationModule } from "./activation.js";

/** torch.nn.ReLU. */
export const ReLU = /* @__PURE__ */ activationModule(relu, "ReLU");
/** torch.nn.ReLU6. */
export const ReLU6 = /* @__PURE__ */ activationModule(relu6, "ReLU6");
/** torch.nn.LeakyReLU ({ negativeSlope }). */
export const LeakyReLU = /* @__PURE__ */ activationModule(leakyRelu, "LeakyReLU");
/** torch.nn.ELU ({ alpha }). */
export const ELU = /* @__PURE__ */ activationModule(elu, "ELU");
/** torch.nn.SELU. */
export const SELU = /* @__PURE__ */ activationModule(selu, "SELU");
/** torch.nn.CELU ({ alpha }). */
export const CELU = /* @__PURE__ */ activationModule(celu, "CELU");
/** torch.nn.GELU ({ approximate: "none" | "tanh" }). */
export const GELU = /* @__PURE__ */ activationModule(gelu, "GELU");
/** torch.nn.Sigmoid. */
export const Sigmoid = /* @__PURE__ */ activationModule(sigmoid, "Sigmoid");
/** torch.nn.Tanh. */
export const Tanh = /* @__PURE__ */ activationModule(tanhActivation, "Tanh");
/** torch.nn.LogSigmoid. */
export const LogSigmoid = /* @__PURE__ */ activationModule(logSigmoid, "LogSigmoid");
/** torch.nn.Softplus ({ beta, threshold }). */
export const Softplus = /* @__PURE__ */ activationModule(softplus, "Softplus");
/** torch.nn.Softsign. */
export const Softsign = /* @__PURE__ */ activationModule(softsign, "Softsign");
/** torch.nn.Tanhshrink. */
export const Tanhshrink = /* @__PURE__ */ activationModule(tanhshrink, "Tanhshrink");
/** torch.nn.SiLU. */
export const SiLU = /* @__PURE__ */ activationModule(silu, "SiLU");
/** torch.nn.Mish. */
export const Mish = /* @__PURE__ */ activationModule(mish, "Mish");
/** torch.nn.Hardtanh ({ minVal, maxVal }). */
export const Hardtanh = /* @__PURE__ */ activationModule(hardtanh, "Hardtanh");
/** torch.nn.Hardsigmoid. */
export const Hardsigmoid = /* @__PURE__ */ activationModule(hardsigmoid, "Hardsigmoid");
/** torch.nn.Hardswish. */
export const Hardswish = /* @__PURE__ */ activationModule(hardswish, "Hardswish");
/** torch.nn.Softshrink ({ lambd }). */
export const Softshrink = /* @__PURE__ */ activationModule(softshrink, "Softshrink");
/** torch.nn.Hardshrink ({ lambd }). */
export const Hardshrink = /* @__PURE__ */ activationModule(hardshrink, "Hardshrink");
/** torch.nn.Threshold ({ threshold, value }). */
export const Threshold = /* @__PURE__ */ activationModule(threshold, "Threshold");

/** torch.nn.Softmax: softmax along `dim`. */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}

/** torch.nn.LogSoftmax: log(softmax) along `dim`, computed stably. */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
}

/** torch.nn.Softmin: softmax of -x along `dim`. */
export class Softmin extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmin(x, this.dim);
  }
}

/** torch.nn.GLU: splits `dim` in halves a, b and returns a * sigmoid(b). Default dim -1. */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
}

/**
 * torch.nn.RReLU: random slopes in U(lower, upper) in training mode (seeded generator), their
 * mean after `eval()`.
 */
export class RReLU extends Module {
  constructor(readonly options: Omit<RReLUOptions, "training"> = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return rrelu(x, { ...this.options, training: this.training });
  }
}
