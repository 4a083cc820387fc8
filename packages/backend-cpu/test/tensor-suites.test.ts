// The @nn/tensor behaviour suites (@nn/testing) on the CPU backend, with and without sync reads
// (the second reads as a GPU backend must).
import { tensorSuites } from "@nn/testing";
import { cpu } from "../src/index.js";

tensorSuites("cpu", () => cpu());
tensorSuites("cpu (syncRead: false)", () => cpu({ syncRead: false }));
