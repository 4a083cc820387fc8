import { describeConformance } from "@nn/testing";
import { cpu } from "../src/index.js";

describeConformance("cpu", () => cpu());
describeConformance("cpu (syncRead: false)", () => cpu({ syncRead: false }));
describeConformance("cpu (wasm: false)", () => cpu({ wasm: false }));
// The suite's tensors are small: lower the Wasm threshold so every elementwise launch the Wasm
// SIMD compiler can run (float32, its ops and layouts) runs there.
describeConformance("cpu (Wasm elementwise from 1 element)", () => {
  const b = cpu();
  b.compiler.wasmMinElements = 1;
  return b;
});
