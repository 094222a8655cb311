// Slurm's job state reason strings (job_state_reason_string), exactly as printed.

export const Reason = {
  None: 'None',
  Priority: 'Priority',
  Dependency: 'Dependency',
  Resources: 'Resources',
  PartitionNodeLimit: 'PartitionNodeLimit',
  PartitionTimeLimit: 'PartitionTimeLimit',
  PartitionDown: 'PartitionDown',
  PartitionInactive: 'PartitionInactive',
  PartitionConfig: 'PartitionConfig',
  JobHeldAdmin: 'JobHeldAdmin',
  JobHeldUser: 'JobHeldUser',
  BeginTime: 'BeginTime',
  Licenses: 'Licenses',
  Reservation: 'Reservation',
  ReqNodeNotAvail: 'ReqNodeNotAvail',
  DependencyNeverSatisfied: 'DependencyNeverSatisfied',
  JobArrayTaskLimit: 'JobArrayTaskLimit',
  JobHoldMaxRequeue: 'JobHoldMaxRequeue',
  BurstBufferResources: 'BurstBufferResources',
  BurstBufferStageIn: 'BurstBufferStageIn',
  BurstBufferOperation: 'BurstBufferOperation',
  Prolog: 'Prolog',
  Cleaning: 'Cleaning',
  NodeDown: 'NodeDown',
  BadConstraints: 'BadConstraints',
  SystemFailure: 'SystemFailure',
  JobLaunchFailure: 'JobLaunchFailure',
  NonZeroExitCode: 'NonZeroExitCode',
  RaisedSignal: 'RaisedSignal',
  TimeLimit: 'TimeLimit',
  InactiveLimit: 'InactiveLimit',
  InvalidAccount: 'InvalidAccount',
  InvalidQOS: 'InvalidQOS',
  OutOfMemory: 'OutOfMemory',
  DeadLine: 'DeadLine',
  Constraints: 'Constraints',
  MaxMemPerLimit: 'MaxMemPerLimit',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** What scontrol prints after Reason=: the free-text description wins, spaces become '_'. */
export function reasonForScontrol(reason: Reason, desc: string | null): string {
  return desc === null ? reason : desc.replace(/\s/g, '_');
}

/** What squeue %r prints: the description raw, else the reason. */
export function reasonText(reason: Reason, desc: string | null): string {
  return desc ?? reason;
}
