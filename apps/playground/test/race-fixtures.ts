import { readFileSync } from "node:fs";

/** One race of tools/gen_playground_fixtures.py: points and losses before each step. */
export interface RaceFixture {
  surface: string;
  optimizer: string;
  lr: number;
  start: number[];
  steps: number;
  xs: (number | string)[];
  ys: (number | string)[];
  losses: (number | string)[];
}

/** The races of packages/testing/fixtures/playground-race.json. */
export function loadRaceFixtures(): RaceFixture[] {
  const url = new URL("../../../packages/testing/fixtures/playground-race.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { races: RaceFixture[] }).races;
}
