// `squeue --json`: the jobs as Slurm 22.05's squeue prints them through its openapi
// v0.0.38 data parser — { meta, errors, jobs } with every job key that version emits (tools
// read these by name). Values come from the job; what Ratchet has no notion of (federation,
// burst buffers, licenses, cpu frequency...) is given the value Slurm prints when it is unset.

import { compressHostlist } from '../../core/hostlist.ts';
import { formatDependency } from '../../core/dependency.ts';
import { stateLong } from '../../core/job-state.ts';
import { reasonForScontrol } from '../../core/reason.ts';
import { arrayTaskText } from '../../core/job-array.ts';
import type { Job } from '../../core/job.ts';
import {
  endTimeMs, jobCpus, jobNodeCount, jobTres, minMemory, secOf, shownPriority, tresScontrol,
} from './job-view.ts';

const sec = (ms: number | null | undefined): number => (ms === null || ms === undefined ? 0 : secOf(ms));

/** The exit status as Slurm's json carries it: the raw wait status (code << 8 | signal). */
const waitStatus = (e: { code: number; signal: number }): number => (e.code << 8) | e.signal;

function jobJson(job: Job, clusterName: string): Record<string, unknown> {
  const req = job.req;
  const mem = minMemory(job);
  const nodes = job.nodeList.length > 0 ? compressHostlist(job.nodeList) : '';
  const task = job.array?.taskId ?? null;
  const dep = formatDependency(job.dependency);
  const tres = tresScontrol(jobTres(job));
  const running = job.nodeList.length > 0;
  return {
    account: req.account, accrue_time: sec(job.eligibleTime), admin_comment: '',
    array_job_id: job.array?.jobId ?? 0, array_task_id: task, array_max_tasks: job.array?.throttle ?? 0,
    array_task_string: job.array !== null && task === null ? (arrayTaskText(job) ?? '') : '',
    association_id: 0, batch_features: '', batch_flag: req.alloc !== true, batch_host: job.nodeList[0] ?? '',
    flags: [], burst_buffer: '', burst_buffer_state: '', cluster: clusterName, cluster_features: '',
    command: req.scriptPath ?? '', comment: req.comment ?? '', container: '', contiguous: false,
    core_spec: null, thread_spec: null, cores_per_socket: null, billable_tres: jobCpus(job),
    cpus_per_task: req.cpusPerTaskGiven ? req.cpusPerTask : null,
    cpu_frequency_minimum: null, cpu_frequency_maximum: null, cpu_frequency_governor: null, cpus_per_tres: '',
    deadline: sec(req.deadline), delay_boot: 0, dependency: dep === '(null)' ? '' : dep,
    derived_exit_code: waitStatus(job.derivedExitCode), eligible_time: sec(job.eligibleTime),
    end_time: sec(endTimeMs(job)), excluded_nodes: '', exit_code: waitStatus(job.exitCode), features: '',
    federation_origin: '', federation_siblings_active: '', federation_siblings_viable: '', gres_detail: [],
    group_id: job.user.gid, group_name: job.user.group, job_id: job.id,
    job_resources: running
      ? { nodes, allocated_cores: job.allocCpus, allocated_hosts: job.nodeList.length, allocated_nodes: [] }
      : {},
    job_state: stateLong(job.state), last_sched_evaluation: sec(job.lastSchedEval), licenses: '',
    max_cpus: 0, max_nodes: 0, mcs_label: '', memory_per_tres: '', name: req.name, nodes,
    nice: req.nice === 0 ? null : req.nice, tasks_per_core: null, tasks_per_node: 0, tasks_per_socket: null,
    tasks_per_board: 0, cpus: jobCpus(job), node_count: jobNodeCount(job), tasks: req.ntasks,
    het_job_id: 0, het_job_id_set: '', het_job_offset: 0, partition: req.partition, prefer: '',
    memory_per_node: mem.perCpu ? null : mem.mib, memory_per_cpu: mem.perCpu ? mem.mib : null,
    minimum_cpus_per_node: req.cpusPerTask, minimum_tmp_disk_per_node: 0, preempt_time: 0,
    pre_sus_time: job.secsPreSuspend, priority: shownPriority(job), profile: null, qos: req.qos, reboot: false,
    required_nodes: req.requiredNodes !== undefined ? compressHostlist(req.requiredNodes) : '', requeue: req.requeue,
    resize_time: 0, restart_cnt: job.restarts, resv_name: '', shared: req.exclusive === true ? 'none' : null,
    show_flags: ['SHOW_ALL', 'SHOW_DETAIL', 'SHOW_LOCAL'], sockets_per_board: 0, sockets_per_node: null,
    start_time: sec(job.startTime), state_description: job.stateDesc ?? '',
    state_reason: reasonForScontrol(job.reason, null), standard_error: '', standard_input: req.stdin,
    standard_output: '', submit_time: sec(job.submitTime), suspend_time: sec(job.suspendTime), system_comment: '',
    time_limit: req.timeLimit === null ? null : Math.floor(req.timeLimit / 60), time_minimum: 0,
    threads_per_core: null, tres_bind: '', tres_freq: '', tres_per_job: '', tres_per_node: '', tres_per_socket: '',
    tres_per_task: '', tres_req_str: tres, tres_alloc_str: running ? tres : '', user_id: job.user.uid,
    user_name: job.user.name, wckey: '', current_working_directory: req.workDir,
  };
}

/** The whole document, pretty-printed as Slurm's json serializer does (two-space indent). */
export function squeueJson(jobs: readonly Job[], clusterName: string): string {
  const doc = {
    meta: {
      plugin: { type: 'openapi/v0.0.38', name: 'Slurm OpenAPI v0.0.38' },
      Slurm: { version: { major: 22, micro: 8, minor: 5 }, release: '22.05.8' },
    },
    errors: [],
    jobs: jobs.map((j) => jobJson(j, clusterName)),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
