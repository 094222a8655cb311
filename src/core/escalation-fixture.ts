// Test fixtures: the seed escalator's policy file and its four partitions (seed 003 README).

import type { PartitionFit } from './escalation-policy.ts';

/** The seed's escalation-target.yaml, unchanged (README "Configuration" plus state_handling). */
export const SEED_YAML = `
levels:
  - partition: devel,day,week,pi_jetz
    mem: 1G
    time: "00:01:00"

  - partition: day,week,pi_jetz          # 2G: devel excluded (1G nodes)
    mem: 2G
    time: "00:02:00"

  - partition: week,pi_jetz              # 4G: only 8G+ nodes
    mem: 4G
    time: "00:04:00"

  - partition: pi_jetz                   # 8G: final fallback (1 node)
    mem: 8G
    time: "00:08:00"

state_handling:
  OUT_OF_MEMORY: escalate
  TIMEOUT: escalate
  DEADLINE: escalate
  PREEMPTED: escalate
  BOOT_FAIL: escalate
  NODE_FAIL: escalate
  FAILED: no_retry
  CANCELLED: no_retry
  exit_codes:
    137: escalate    # OOM killer (128+9) - retry this
    1: no_retry      # Generic error - don't retry (default)
max_array_spec_len: 10000
`;

export const SEED_PARTS: PartitionFit[] = [
  { name: 'devel', maxTime: 60, maxMem: 1024 },
  { name: 'day', maxTime: 60, maxMem: 2048 },
  { name: 'week', maxTime: 120, maxMem: 8192 },
  { name: 'pi_jetz', maxTime: 480, maxMem: 16384 },
];
