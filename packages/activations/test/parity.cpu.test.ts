import { cpu } from "@nn/backend-cpu";
import { describeActivationParity } from "./parity.js";

// The CPU backend without sync reads behaves like a GPU backend: the library must never need one.
describeActivationParity("cpu", () => cpu({ syncRead: false }));
