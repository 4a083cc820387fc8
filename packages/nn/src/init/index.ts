/** torch.nn.init: in-place, seeded initialisers and the gain / fan rules they use. */
export {
  constant,
  type InitOptions,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  normal,
  ones,
  uniform,
  xavierNormal,
  xavierUniform,
  zeros,
} from "./fill.js";
export { calculateGain, fanInAndFanOut, type Nonlinearity } from "./gain.js";
