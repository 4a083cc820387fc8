import { cpu } from "@nn/backend-cpu";
import { describeConvParity } from "./conv-parity.js";

// Without sync reads the CPU backend behaves like a GPU one: the ops must never need one.
describeConvParity("cpu", () => cpu({ syncRead: false }));
