import { describeConformance } from "@nn/testing";
import { cpu } from "../src/index.js";

// The default variant uses every core (one thread on a one-core machine); these pin the count.
// The suite's tensors are small: with the thresholds at their minimum, two threads split every
// matmul and every elementwise launch the Wasm compiler can run.
describeConformance("cpu (threads: 1)", () => cpu({ threads: 1 }));
describeConformance("cpu (threads: 2, every matmul and Wasm launch split)", () => {
  const b = cpu({ threads: 2 });
  b.matmulParallelMinWork = 0;
  b.compiler.wasmMinElements = 1;
  if (b.compiler.wasm) b.compiler.wasm.parallelMinElements = 0;
  return b;
});
