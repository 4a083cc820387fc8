import { DTypeError } from "./errors.js";

/**
 * The element types of a tensor. `int32` is the integer and index dtype (JavaScript has no
 * int64); `bool` is stored as one byte per element.
 */
export type DType = "float32" | "float64" | "int32" | "bool";

/** Every dtype, in promotion order (bool < int32 < float32 < float64). */
export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

/** The TypedArray that holds each dtype's elements. */
export type DataArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Bytes per element of each dtype. */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = {
  bool: 1,
  int32: 4,
  float32: 4,
  float64: 8,
};

/** Allocates a zeroed TypedArray of `size` elements for `dtype`. */
export function allocArray(dtype: DType, size: number): DataArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

/** True for float32 and float64. */
export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

/** Type category as PyTorch ranks them: bool 0, integer 1, floating 2. */
export function category(dtype: DType): number {
  return dtype === "bool" ? 0 : dtype === "int32" ? 1 : 2;
}

/** The smallest dtype that holds both (PyTorch's `torch.promote_types`). */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/** Throws a DTypeError unless `dtype` is one of the known dtypes. */
export function checkDType(op: string, dtype: unknown): DType {
  if (typeof dtype === "string" && (DTYPES as readonly string[]).includes(dtype)) {
    return dtype as DType;
  }
  throw new DTypeError(
    `${op}: unknown dtype ${String(dtype)}; expected one of ${DTYPES.join(", ")}`,
  );
}

/** The dtype a JS scalar has when it stands alone: boolean -> bool, integer -> int32, else float32. */
export function scalarDType(value: number | boolean): DType {
  if (typeof value === "boolean") return "bool";
  return Number.isInteger(value) ? "int32" : "float32";
}

/** An operand as the promotion rules see it. */
export interface PromotionOperand {
  dtype: DType;
  /** 0 for a JS number or boolean ("wrapped number"), 1 for a 0-d tensor, 2 for a tensor with dims. */
  tier: 0 | 1 | 2;
}

/**
 * PyTorch's `torch.result_type`: tensors with dimensions decide the dtype; a 0-d tensor or a JS
 * scalar only raises it when it is of a higher category (bool < integer < floating). A 0-d tensor
 * of a higher category keeps its own dtype; a JS number of a higher category gives the default
 * dtype of its category (float32, int32).
 */
export function resultType(operands: readonly PromotionOperand[]): DType {
  let result: DType | undefined;
  for (let tier = 2; tier >= 0; tier--) {
    let tierType: DType | undefined;
    for (const o of operands) {
      if (o.tier !== tier) continue;
      tierType = tierType === undefined ? o.dtype : promoteTypes(tierType, o.dtype);
    }
    if (tierType === undefined) continue;
    if (result === undefined) result = tierType;
    else if (category(tierType) > category(result)) {
      result =
        tier === 0
          ? tierType === "bool"
            ? "bool"
            : tierType === "int32"
              ? "int32"
              : "float32"
          : tierType;
    }
  }
  if (result === undefined) throw new DTypeError("resultType: no operands");
  return result;
}

/**
 * The sentence an index argument's DTypeError ends with when it got a float tensor: float32 is
 * what `tensor()` of plain numbers gives, so say so and how to ask for int32.
 */
export const INDEX_DTYPE_HINT =
  'tensor() of plain numbers is float32; pass { dtype: "int32" } or an Int32Array for indices';

/**
 * Where a dtype most likely came from and how to ask for the other, for DTypeErrors where an
 * integer tensor meets a float op or a float tensor meets an index argument. Empty for bool/float64.
 */
export function dtypeOriginHint(dtype: DType): string {
  if (dtype === "float32") return ` (${INDEX_DTYPE_HINT})`;
  if (dtype === "int32") {
    return ' (int32 comes from { dtype: "int32" }, an integer TypedArray, or arange, full or random integers; pass { dtype: "float32" } or cast(t, "float32") for float math)';
  }
  return "";
}
