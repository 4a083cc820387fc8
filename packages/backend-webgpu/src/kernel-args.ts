/**
 * The per-dispatch arguments of a kernel: shapes, strides, offsets and scalar params, packed as
 * 32-bit words into one uniform buffer (binding 0), so a kernel uses no storage-buffer slot for
 * them and a changed value (a learning rate) never changes the shader.
 */
import { BackendError } from "@nn/tensor";

/** Words of the args uniform (`array<vec4<u32>, ARGS_VEC4>` in WGSL). */
export const ARGS_WORDS = 1024;
export const ARGS_BYTES = ARGS_WORDS * 4;

/** WGSL declaring the args uniform and its accessors `arg` (u32), `argi` (i32), `argf` (f32). */
export const ARGS_WGSL = `@group(0) @binding(0) var<uniform> args: array<vec4<u32>, ${ARGS_WORDS / 4}>;
fn arg(i: u32) -> u32 { return args[i >> 2u][i & 3u]; }
fn argi(i: u32) -> i32 { return bitcast<i32>(args[i >> 2u][i & 3u]); }
fn argf(i: u32) -> f32 { return bitcast<f32>(args[i >> 2u][i & 3u]); }`;

/** Builder of the args words; `at` is the index of the next word (the WGSL reads `arg(at)`). */
export class KernelArgs {
  readonly #u32: Uint32Array<ArrayBuffer> = new Uint32Array(ARGS_WORDS);
  readonly #i32 = new Int32Array(this.#u32.buffer);
  readonly #f32 = new Float32Array(this.#u32.buffer);
  at = 0;

  #next(op: string): number {
    if (this.at >= ARGS_WORDS) {
      throw new BackendError(
        `webgpu ${op}: kernel arguments exceed ${ARGS_WORDS} words (too many dims or params)`,
      );
    }
    return this.at++;
  }

  u32(v: number): this {
    this.#u32[this.#next("u32")] = v >>> 0;
    return this;
  }
  i32(v: number): this {
    this.#i32[this.#next("i32")] = v | 0;
    return this;
  }
  f32(v: number): this {
    this.#f32[this.#next("f32")] = v;
    return this;
  }
  /** Several i32 words. */
  i32s(vs: readonly number[]): this {
    for (const v of vs) this.i32(v);
    return this;
  }
  /** Several u32 words. */
  u32s(vs: readonly number[]): this {
    for (const v of vs) this.u32(v);
    return this;
  }

  /** The words written so far, padded to a whole vec4. */
  words(): Uint32Array<ArrayBuffer> {
    return this.#u32.subarray(0, Math.max(4, Math.ceil(this.at / 4) * 4));
  }
}
