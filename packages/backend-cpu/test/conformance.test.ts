import { describeConformance } from "@nn/testing";
import { cpu } from "../src/index.js";

describeConformance("cpu", () => cpu());
describeConformance("cpu (syncRead: false)", () => cpu({ syncRead: false }));
describeConformance("cpu (wasm: false)", () => cpu({ wasm: false }));
