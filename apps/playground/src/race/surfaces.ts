/**
 * The 2-D loss surfaces of the optimizer race, written with nn tensor ops so the same definition
 * gives the loss an optimizer sees (with autograd) and the grid the contour plot draws.
 * Formulas: Rosenbrock (1960), Beale (1958), Himmelblau (1972), as in the usual optimisation
 * test-function tables; the saddle and the quadratic are the textbook ones.
 */
import type { Tensor } from "@nn/tensor";

/** A loss f(x, y) over a rectangle of the plane. */
export interface Surface {
  readonly name: SurfaceName;
  /** f of elementwise x and y (same shape, or broadcastable), any float dtype. */
  readonly f: (x: Tensor, y: Tensor) => Tensor;
  /** The plotted rectangle: [xMin, xMax, yMin, yMax]. */
  readonly bounds: readonly [number, number, number, number];
  /** A start point that makes the lesson visible. */
  readonly start: readonly [number, number];
  /** The global minimum's value (the loss chart shows the loss above it, on a log scale). */
  readonly fmin: number;
  /** The global minima (drawn as stars). */
  readonly minima: readonly (readonly [number, number])[];
  /** A learning rate at which plain SGD makes progress without diverging. */
  readonly lr: number;
}

/** The surfaces' names, in the order the page lists them. */
export const SURFACE_NAMES = ["rosenbrock", "beale", "himmelblau", "saddle", "quadratic"] as const;
export type SurfaceName = (typeof SURFACE_NAMES)[number];

/** (1 - x)^2 + 100 (y - x^2)^2: a curved, flat-bottomed valley; minimum 0 at (1, 1). */
const rosenbrock: Surface = {
  name: "rosenbrock",
  f: (x, y) => x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)),
  bounds: [-2, 2, -1, 3],
  start: [-1.5, 2.5],
  fmin: 0,
  minima: [[1, 1]],
  lr: 1e-3,
};

/** (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2; minimum 0 at (3, 0.5). */
const beale: Surface = {
  name: "beale",
  f: (x, y) => {
    const term = (c: number, yk: Tensor) => x.mul(yk).sub(x).add(c).square();
    return term(1.5, y)
      .add(term(2.25, y.square()))
      .add(term(2.625, y.pow(3)));
  },
  bounds: [-4.5, 4.5, -4.5, 4.5],
  start: [1, 1.5],
  fmin: 0,
  minima: [[3, 0.5]],
  lr: 1e-3,
};

/** (x^2 + y - 11)^2 + (x + y^2 - 7)^2: four minima of value 0. */
const himmelblau: Surface = {
  name: "himmelblau",
  f: (x, y) => x.square().add(y).sub(11).square().add(x.add(y.square()).sub(7).square()),
  bounds: [-5, 5, -5, 5],
  start: [-0.5, -0.5],
  fmin: 0,
  minima: [
    [3, 2],
    [-2.805118, 3.131312],
    [-3.77931, -3.283186],
    [3.584428, -1.848126],
  ],
  lr: 1e-2,
};

/**
 * x^2 + y^4 / 4 - y^2 / 2: a saddle at the origin between two minima (-1/4 at (0, ±1)). Started
 * on the ridge (y near 0) the gradient across it is tiny: momentum escapes sooner than SGD.
 */
const saddle: Surface = {
  name: "saddle",
  f: (x, y) => x.square().add(y.pow(4).div(4)).sub(y.square().div(2)),
  bounds: [-2, 2, -2, 2],
  start: [-1.8, 0.001],
  fmin: -0.25,
  minima: [
    [0, 1],
    [0, -1],
  ],
  lr: 1e-2,
};

/** (x^2 + 25 y^2) / 2: condition number 25; SGD zig-zags across the narrow axis. */
const quadratic: Surface = {
  name: "quadratic",
  f: (x, y) => x.square().add(y.square().mul(25)).div(2),
  bounds: [-5, 5, -3, 3],
  start: [-4.5, 2],
  fmin: 0,
  minima: [[0, 0]],
  lr: 3e-2,
};

/** Every surface, by name. */
export const SURFACES: Readonly<Record<SurfaceName, Surface>> = {
  rosenbrock,
  beale,
  himmelblau,
  saddle,
  quadratic,
};
