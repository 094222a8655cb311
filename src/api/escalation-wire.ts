// Wire type of the escalation routes (/v1/escalation, /v1/escalation/watch).

import type { Job } from '../core/job.ts';

export interface EscalationResponse {
  now: number;
  /** The controller's change number: pass it back as `since` to wait for the next change. */
  seq: number;
  /** Jobs with an escalation chain (request env and script left out). */
  jobs: Job[];
}
