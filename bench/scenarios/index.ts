/**
 * Every benchmark scenario, in the order `bench/run.ts` runs them: the peers
 * on a dead link first, then recovery, the cost of running us, and lint.
 */
import type { Scenario } from '../lib/scenario';
import { detectionScenario } from './detection';
import { falseAlarmsScenario } from './falseAlarms';
import { lintScenario } from './lint';
import { overheadScenario } from './overhead';
import { recoveryScenario } from './recovery';

export const scenarios: readonly Scenario[] = [detectionScenario, falseAlarmsScenario, recoveryScenario, overheadScenario, lintScenario];
