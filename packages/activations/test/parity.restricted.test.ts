import { cpu } from "@nn/backend-cpu";
import type { BackendCapabilities } from "@nn/tensor";
import { describeActivationParity } from "./parity.js";

// The CPU backend declaring what a WGSL backend declares (float32 only, no IEEE special
// values): the suite must then run the finite part of every grid and skip the rest, listed.
describeActivationParity("cpu as a float32, no-IEEE-specials backend", () => {
  const backend = cpu({ syncRead: false });
  const capabilities: BackendCapabilities = {
    ...backend.capabilities,
    dtypes: ["float32", "int32", "bool"],
    ieeeSpecials: false,
  };
  Object.defineProperty(backend, "capabilities", { value: capabilities });
  return backend;
});
