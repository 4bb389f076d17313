/**
 * Every benchmark scenario, in the order `bench/run.ts` runs them. A new
 * scenario (dead-link detection vs ssh/autossh/mosh, recovery, overhead) is a
 * module next to this one exporting a `Scenario`, added to this list.
 */
import type { Scenario } from '../lib/scenario';
import { lintScenario } from './lint';

export const scenarios: readonly Scenario[] = [lintScenario];
