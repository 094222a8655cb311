// Slurm's priority/basic (the plugin the peer runs): FIFO by decreasing priority.
//
// slurmctld keeps `lowest_prio`, starting at TOP_PRIORITY = 0xffff0000. Each time a job is
// given a priority it gets lowest_prio - 1 (adjusted by its nice value), never below 1, and
// lowest_prio follows it down. Held jobs (priority 0) take no number: in golden h_defaults
// jobs 100-102 get 4294901690..688, held job 103 gets 0, job 104 gets 4294901687. A
// released job is numbered at release. So the priority is a counter, not a function of the
// job id: the controller should keep BasicPriorityState and call nextBasicPriority.

export const TOP_PRIORITY = 0xffff0000;
const UINT32 = 2 ** 32;

export interface BasicPriorityState {
  /** Lowest priority handed out so far (Slurm's lowest_prio). */
  readonly lowestPrio: number;
}

export const INITIAL_PRIORITY_STATE: BasicPriorityState = { lowestPrio: TOP_PRIORITY };

/**
 * priority_p_set + set_job_prio: the priority for the next job (nice as given by the user,
 * 0 by default; positive nice lowers it) and the new state.
 */
export function nextBasicPriority(
  state: BasicPriorityState,
  nice = 0,
): { priority: number; state: BasicPriorityState } {
  let prio = state.lowestPrio >= 2 ? state.lowestPrio - 1 : 1;
  if (nice <= 0 || prio > nice + 1) prio = (((prio - nice) % UINT32) + UINT32) % UINT32;
  if (prio < 1) prio = 1;
  // relative_prio = priority + nice, in uint32 arithmetic.
  const relative = (((prio + nice) % UINT32) + UINT32) % UINT32;
  return { priority: prio, state: { lowestPrio: Math.min(relative, state.lowestPrio) } };
}

/**
 * The priority of job N when every job before it took exactly one number (no holds, no
 * nice, no array task splits): job 1 -> 4294901759, job 7 -> 4294901753; bottoms out at 1.
 */
export function basicPriority(jobId: number): number {
  return Math.max(1, TOP_PRIORITY - jobId);
}

/**
 * sync_job_priorities after a restart: when the highest live priority has drifted at least
 * 1,000,000 below TOP_PRIORITY, every numbered job is raised by the gap (and so is
 * lowest_prio) so the counter does not run down to 1. Returns the boost (0 = none).
 */
export function basicPriorityBoost(highestLivePriority: number): number {
  if (highestLivePriority === 0 || highestLivePriority >= TOP_PRIORITY) return 0;
  const boost = TOP_PRIORITY - highestLivePriority;
  return boost < 1_000_000 ? 0 : boost;
}
