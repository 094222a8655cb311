import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squeueJson } from './squeue-json.ts';
import { makeJob } from './job-fixture.ts';

// The keys Slurm 22.05's squeue --json printed for a job (golden h_defaults).
const GOLDEN_KEYS = ['account', 'accrue_time', 'admin_comment', 'array_job_id', 'array_max_tasks', 'array_task_id', 'array_task_string', 'association_id', 'batch_features', 'batch_flag', 'batch_host', 'billable_tres', 'burst_buffer', 'burst_buffer_state', 'cluster', 'cluster_features', 'command', 'comment', 'container', 'contiguous', 'core_spec', 'cores_per_socket', 'cpu_frequency_governor', 'cpu_frequency_maximum', 'cpu_frequency_minimum', 'cpus', 'cpus_per_task', 'cpus_per_tres', 'current_working_directory', 'deadline', 'delay_boot', 'dependency', 'derived_exit_code', 'eligible_time', 'end_time', 'excluded_nodes', 'exit_code', 'features', 'federation_origin', 'federation_siblings_active', 'federation_siblings_viable', 'flags', 'gres_detail', 'group_id', 'group_name', 'het_job_id', 'het_job_id_set', 'het_job_offset', 'job_id', 'job_resources', 'job_state', 'last_sched_evaluation', 'licenses', 'max_cpus', 'max_nodes', 'mcs_label', 'memory_per_cpu', 'memory_per_node', 'memory_per_tres', 'minimum_cpus_per_node', 'minimum_tmp_disk_per_node', 'name', 'nice', 'node_count', 'nodes', 'partition', 'pre_sus_time', 'preempt_time', 'prefer', 'priority', 'profile', 'qos', 'reboot', 'requeue', 'required_nodes', 'resize_time', 'restart_cnt', 'resv_name', 'shared', 'show_flags', 'sockets_per_board', 'sockets_per_node', 'standard_error', 'standard_input', 'standard_output', 'start_time', 'state_description', 'state_reason', 'submit_time', 'suspend_time', 'system_comment', 'tasks', 'tasks_per_board', 'tasks_per_core', 'tasks_per_node', 'tasks_per_socket', 'thread_spec', 'threads_per_core', 'time_limit', 'time_minimum', 'tres_alloc_str', 'tres_bind', 'tres_freq', 'tres_per_job', 'tres_per_node', 'tres_per_socket', 'tres_per_task', 'tres_req_str', 'user_id', 'user_name', 'wckey'];

test('squeue --json: meta, errors, jobs; each job has exactly the keys Slurm 22.05 prints', () => {
  const doc = JSON.parse(squeueJson([makeJob(), makeJob({ state: 'RUNNING', nodeList: ['n1'], allocCpus: 1 })], 'c')) as {
    meta: { Slurm: { release: string } }; errors: unknown[]; jobs: Record<string, unknown>[];
  };
  assert.deepEqual(Object.keys(doc).sort(), ['errors', 'jobs', 'meta']);
  assert.equal(doc.meta.Slurm.release, '22.05.8');
  assert.equal(doc.jobs.length, 2);
  for (const j of doc.jobs) assert.deepEqual(Object.keys(j).sort(), GOLDEN_KEYS);
  assert.equal(doc.jobs[1]?.job_state, 'RUNNING');
  assert.equal(doc.jobs[1]?.nodes, 'n1');
  assert.equal(doc.jobs[0]?.cluster, 'c');
});
