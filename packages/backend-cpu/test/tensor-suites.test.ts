// The @nn/tensor behaviour suites (@nn/testing) on the CPU backend, with and without sync reads
// (the second reads as a GPU backend must).
import { tensorSuites } from "@nn/testing";
import { cpu } from "../src/index.js";

tensorSuites("cpu", () => cpu());
tensorSuites("cpu (syncRead: false)", () => cpu({ syncRead: false }));
tensorSuites("cpu (Wasm elementwise from 1 element)", () => {
  const b = cpu();
  b.compiler.wasmMinElements = 1;
  return b;
});
