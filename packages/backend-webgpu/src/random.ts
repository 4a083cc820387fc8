/**
 * Counter-based random draws, bit for bit the generator of `@nn/tensor`'s random.ts:
 * Philox4x32-10 with key = seed words and counter = (offset + i, 0, 0), 32x32->64 products via
 * 16-bit halves (WGSL has no 64-bit integers). float32 uniforms use the top 24 bits of word 0
 * (exact: identical to the CPU); randint takes word 0 modulo the range (identical for int32);
 * normals are Box–Muller in f32 with care where f32 loses digits (-log u1 via log1p near 1, the
 * angle reduced in integer turns), so they agree with the CPU's float64 computation to a few ulps.
 */
import { type Backend, BackendError, type RandomDistribution, type View } from "@nn/tensor";
import { seedWords } from "@nn/tensor/internal";
import { type BindingPlan, bindingDecls, planBindings } from "./bindings.js";
import { ARGS_WGSL } from "./kernel-args.js";
import { type KernelRunner, MAIN_1D } from "./kernel-runner.js";
import { sizeOf } from "./strided.js";
import { mathWgsl } from "./wgsl-math.js";

/** WGSL of Philox4x32-10 (and its exact mulhi). */
export const PHILOX_WGSL = `fn nn_mulhi(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu; let aHi = a >> 16u;
  let bLo = b & 0xffffu; let bHi = b >> 16u;
  let lolo = aLo * bLo; let hilo = aHi * bLo; let lohi = aLo * bHi;
  let cross = (lolo >> 16u) + (hilo & 0xffffu) + lohi;
  return aHi * bHi + (hilo >> 16u) + (cross >> 16u);
}
fn nn_philox(c0: u32, c1: u32, k0: u32, k1: u32) -> vec4<u32> {
  var x0 = c0; var x1 = c1; var x2 = 0u; var x3 = 0u;
  var a = k0; var b = k1;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = nn_mulhi(0xd2511f53u, x0); let lo0 = 0xd2511f53u * x0;
    let hi1 = nn_mulhi(0xcd9e8d57u, x2); let lo1 = 0xcd9e8d57u * x2;
    x0 = hi1 ^ x1 ^ a; x1 = lo1; x2 = hi0 ^ x3 ^ b; x3 = lo0;
    a += 0x9e3779b9u; b += 0xbb67ae85u;
  }
  return vec4<u32>(x0, x1, x2, x3);
}`;

/** Box–Muller from two words: sqrt(-2 ln u1) cos(2 pi u2), u1 = (w0 + 1) / 2^32, u2 = w1 / 2^32. */
const NORMAL_WGSL = `fn nn_normal(w0: u32, w1: u32) -> f32 {
  var t: f32;
  if (w0 >= 0x80000000u) {
    // 1 - u1 = ~w0 / 2^32 is small: -ln u1 = -log1p(-(1 - u1)), accurate near u1 = 1.
    t = -nn_log1p(-f32(~w0) * 2.3283064365386963e-10);
  } else {
    t = -nn_log(f32(w0 + 1u) * 2.3283064365386963e-10);
  }
  // cos(2 pi w1 / 2^32): quarter turn q and a remainder in [-1/8, 1/8) turn, both exact.
  let s = w1 + 0x20000000u;
  let q = s >> 30u;
  let r = bitcast<i32>(s & 0x3fffffffu) - 0x20000000i;
  let hi = r & -256i;
  let angle = f32(hi) * 1.4629180792671596e-9 + f32(r - hi) * 1.4629180792671596e-9;
  let sc = nn_sincos_poly(angle);
  var c = sc.y;
  if (q == 1u) { c = -sc.x; } else if (q == 2u) { c = -sc.y; } else if (q == 3u) { c = sc.x; }
  return sqrt(2.0 * t) * c;
}`;

function generate(dist: RandomDistribution["kind"], outType: string, plan: BindingPlan): string {
  const Y = plan.names[0] as string;
  let value: string;
  let math = "";
  if (dist === "uniform") {
    value = "f32(w.x >> 8u) * 5.9604644775390625e-8";
  } else if (dist === "normal") {
    value = "nn_normal(w.x, w.y)";
    math = `${mathWgsl(["log", "log1p", "sincos_poly"])}\n${NORMAL_WGSL}`;
  } else {
    // Args 6: low (i32 bits), 7: range (0 = 2^32), 8: 1 when low..high fits int32, 9: low as f32.
    value = `nn_randint(w.x)`;
    math = `fn nn_randint(w: u32) -> f32 {
  let m = select(w % arg(7u), w, arg(7u) == 0u);
  if (arg(8u) == 1u) { return f32(bitcast<i32>(arg(6u) + m)); }
  return argf(9u) + f32(m);
}
fn nn_randint_i(w: u32) -> i32 {
  let m = select(w % arg(7u), w, arg(7u) == 0u);
  return bitcast<i32>(arg(6u) + m);
}`;
    if (outType !== "float32") value = "nn_randint_i(w.x)";
  }
  const store =
    outType === "float32"
      ? `f32(${value})`
      : outType === "int32"
        ? value
        : `select(0u, 1u, ${value} != ${dist === "randint" ? "0i" : "0.0f"})`;
  return `${ARGS_WGSL}
${bindingDecls(plan)}
${PHILOX_WGSL}
${math}
${MAIN_1D}
  if (idx >= arg(0u)) { return; }
  let lo = arg(1u) + idx;
  let hi = arg(2u) + select(0u, 1u, lo < idx);
  let w = nn_philox(lo, hi, arg(3u), arg(4u));
  ${Y}[arg(5u) + idx] = ${store};
}
`;
}

/** Runs a random draw into the contiguous `out` (see Backend.random). */
export function runRandom(
  runner: KernelRunner,
  owner: Backend,
  maxStorageBuffers: number,
  dist: RandomDistribution,
  out: View,
  seed: number,
  offset: number,
): void {
  const total = sizeOf(out.shape);
  if (total === 0) return;
  if (dist.kind !== "randint" && out.dtype !== "float32") {
    throw new BackendError(`webgpu random: ${dist.kind} draws need a float32 output`);
  }
  const plan = planBindings("random", [out], owner, maxStorageBuffers, { views: [0], whole: true });
  const key = `random|${dist.kind}|${out.dtype}|${plan.key}`;
  const pipeline = runner.pipeline(key, plan.buffers.length, () =>
    generate(dist.kind, out.dtype, plan),
  );
  const [k0, k1] = seedWords(seed);
  const args = runner
    .args()
    .u32(total)
    .u32(offset % 2 ** 32)
    .u32(Math.floor(offset / 2 ** 32))
    .u32(k0)
    .u32(k1)
    .u32(out.offset);
  if (dist.kind === "randint") {
    const range = dist.high - dist.low;
    const fits = dist.low >= -(2 ** 31) && dist.high <= 2 ** 31;
    args
      .u32(dist.low | 0)
      .u32(range >= 2 ** 32 ? 0 : range)
      .u32(fits ? 1 : 0)
      .f32(dist.low);
  }
  runner.dispatch("random", pipeline, args, plan, runner.grid(total));
}
