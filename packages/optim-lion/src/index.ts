/**
 * @nn/optim-lion: the Lion optimizer (Chen et al. 2023) as a plugin of @nn/optim, built only on
 * its public contract. Nothing is registered on import; the application calls
 * `registerOptimizer(lion)` to construct it by name.
 *
 * @module @nn/optim-lion
 */
export { Lion, type LionHyperparameters, type LionOptions, type LionState, lion } from "./lion.js";
