import { describeConformance } from "@nn/testing";
import { cpu } from "../src/index.js";

// The default variant uses every core (one thread on a one-core machine); these pin the count.
// The suite's matmuls are small: with the threshold at 0, two threads split every one of them.
describeConformance("cpu (threads: 1)", () => cpu({ threads: 1 }));
describeConformance("cpu (threads: 2, every matmul split)", () => {
  const b = cpu({ threads: 2 });
  b.matmulParallelMinWork = 0;
  return b;
});
