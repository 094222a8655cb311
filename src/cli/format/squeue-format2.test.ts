import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../../core/job.ts';
import { at, makeJob } from './job-fixture.ts';
import { parseSqueueLongFormat, renderSqueueLong } from './squeue-format2.ts';

process.env.TZ = 'UTC';

const WORK = '/var/tmp/slurmpeer/work';
const now = at('06:54:17');

/**
 * The peer's jobs: `sbatch -J pend -N 2 -c 2 --time=10 -o 'pend-%j.out'` (pending on
 * Resources) and `sbatch -J a1 -w n1` (running on n1), in squeue's order.
 */
function peerJobs(): Job[] {
  const times = { submitTime: at('06:54:13'), eligibleTime: at('06:54:13'), lastSchedEval: at('06:54:14') };
  return [
    makeJob({
      ...times, id: 209, priority: 4294901553, reason: 'Resources',
      req: { name: 'pend', nodes: 2, ntasks: 2, cpusPerTask: 2, timeLimit: 600, stdout: 'pend-%j.out', workDir: WORK },
    }),
    makeJob({
      ...times, id: 208, priority: 4294901554, state: 'RUNNING', startTime: at('06:54:14'), nodeList: ['n1'], allocCpus: 1,
      req: { name: 'a1', workDir: WORK },
    }),
  ];
}

function squeueO(format: string): string {
  const r = renderSqueueLong(peerJobs(), format, { now, header: true, dateLine: false, clusterName: 'peer' });
  assert.deepEqual(r.errors, []);
  return r.text;
}

// Every expected text below is what the peer's `squeue -j 208,209 -O <list>` printed.
test('peer: names default to 20 columns, left; sizes, `.` and suffixes as given', () => {
  assert.equal(squeueO('jobid,name,state,reasonlist'), `\
JOBID               NAME                STATE               NODELIST(REASON)    
209                 pend                PENDING             (Resources)         
208                 a1                  RUNNING             n1                  
`);
  assert.equal(squeueO('jobid:.6,name:10|,state:.8 ,timeused:,username:5x'), `\
 JOBIDNAME      |   STATE TIMEUSER x
   209pend      | PENDING 0:00root x
   208a1        | RUNNING 0:03root x
`);
});

test('peer: the letter fields by name', () => {
  assert.equal(squeueO('account,arrayjobid,arraytaskid,batchhost,command,comment,dependency,derivedec,eligibletime,exit_code,'
    + 'jobarrayid,mincpus,minmemory,mintmpdisk,nice,nodelist,numcpus,numnodes,numtasks,partition,prioritylong,qos'), `\
ACCOUNT             ARRAY_JOB_ID        ARRAY_TASK_ID       EXEC_HOST           COMMAND             COMMENT             DEPENDENCY          DERIVED_EC          ELIGIBLE_TIME       EXIT_CODE           JOBID               MIN_CPUS            MIN_MEMORY          MIN_TMP_DISK        NICE                NODELIST            CPUS                NODES               TASKS               PARTITION           PRIORITY            QOS                 
root                209                 N/A                 n/a                 (null)              (null)              (null)              0                   2026-11-21T06:54:13 0                   209                 2                   256M                0                   0                                       4                   2                   2                   debug               4294901553          normal              
root                208                 N/A                 n1                  (null)              (null)              (null)              0                   2026-11-21T06:54:13 0                   208                 1                   256M                0                   0                   n1                  1                   1                   1                   debug               4294901554          normal              
`);
});

test('peer: stdio paths, times, and what only -O has', () => {
  assert.equal(squeueO('reason,reasonlist,requeue,restartcnt,statecompact,stderr:45,stdin,stdout:45,submittime,timeleft,'
    + 'timelimit,userid,workdir:40,reservation,accruetime,allocnodes,batchflag,cpuspertask,groupname,groupid,lastschedeval'), `\
REASON              NODELIST(REASON)    REQUEUE             RESTART_COUNT       ST                  STDERR                                       STDIN               STDOUT                                       SUBMIT_TIME         TIME_LEFT           TIME_LIMIT          UID                 WORK_DIR                                RESERVATION         ACCRUE_TIME         ALLOC_NODES         BATCH_FLAG          CPUS_PER_TASK       GROUP               GROUP               LAST_SCHED_EVAL     
Resources           (Resources)         1                   0                   PD                  /var/tmp/slurmpeer/work/pend-%j.out          /dev/null           /var/tmp/slurmpeer/work/pend-%j.out          2026-11-21T06:54:13 10:00               10:00               0                   /var/tmp/slurmpeer/work                 (null)              2026-11-21T06:54:13 localhost           1                   2                   root                0                   2026-11-21T06:54:14 
None                n1                  1                   0                   R                   /var/tmp/slurmpeer/work/slurm-208.out        /dev/null           /var/tmp/slurmpeer/work/slurm-208.out        2026-11-21T06:54:13 UNLIMITED           UNLIMITED           0                   /var/tmp/slurmpeer/work                 (null)              2026-11-21T06:54:13 localhost           1                   1                   root                0                   2026-11-21T06:54:14 
`);
  assert.equal(squeueO('burstbuffer,burstbufferstate,container,delayboot,maxcpus,maxnodes,mcslabel,mintime,network,ntpercore,'
    + 'ntpernode,ntpersocket,ntperboard,origin,originraw,pendingtime,preempttime,profile,reboot,reqswitch,resizetime,sperboard,wait4switch'), `\
BURST_BUFFER        BURST_BUFFER_STATE  CONTAINER           DELAY_BOOT          MAX_CPUS            MAX_NODES           MCSLABEL            TIME_MIN            NETWORK             NTASKS_PER_CORE     NTASKS_PER_NODE     NTASKS_PER_SOCKET   NTASKS_PER_BOARD    ORIGIN              ORIGIN_RAW          PENDING_TIME        PREEMPT_TIME        PROFILE             REBOOT              REQ_SWITCH          RESIZE_TIME         SOCKETS_PER_BOARD   WAIT4SWITCH         
(null)              (null)              (null)              0:00                4                   2                   (null)              0:00                (null)              N/A                 0                   N/A                 0                   NA                  NA                  4                   N/A                 NotSet              0                   0                   N/A                 0                   0:00                
(null)              (null)              (null)              0:00                1                   1                   (null)              0:00                (null)              N/A                 0                   N/A                 0                   NA                  NA                  1                   N/A                 NotSet              0                   0                   N/A                 0                   0:00                
`);
  assert.equal(squeueO('tres-alloc:35,tres-per-node,deadline,hetjobid,hetjoboffset,hetjobidset,admin_comment,system_comment,'
    + 'clusterfeature,prefer,cpus-per-tres,mem-per-tres,tres-bind,tres-freq,tres-per-job,tres-per-socket,tres-per-task,feature,'
    + 'licenses,corespec,cluster'), `\
TRES_ALLOC                         TRES_PER_NODE       DEADLINE            HET_JOB_ID          HET_JOB_OFFSET      HET_JOB_ID_SET      ADMIN_COMMENT       SYSTEM_COMMENT      CLUSTER_FEATURES    PREFER              CPUS_PER_TRES       MEM_PER_TRES        TRES_BIND           TRES_FREQ           TRES_PER_JOB        TRES_PER_SOCKET     TRES_PER_TASK       FEATURES            LICENSES            CORE_SPEC           CLUSTER             
cpu=4,mem=1G,node=2,billing=4      N/A                 N/A                 N/A                 N/A                 N/A                 (null)              (null)              (null)              (null)              N/A                 N/A                 N/A                 N/A                 N/A                 N/A                 N/A                 (null)              (null)              N/A                 peer                
cpu=1,mem=256M,node=1,billing=1    N/A                 N/A                 N/A                 N/A                 N/A                 (null)              (null)              (null)              (null)              N/A                 N/A                 N/A                 N/A                 N/A                 N/A                 N/A                 (null)              (null)              N/A                 peer                
`);
});

test('peer: unknown names print only their suffix and an error; names are case-insensitive; numtask* is TASKS', () => {
  const format = 'schednodes,sct,sockets,cores,threads,oversubscribe,contiguous,wckey,gres,selectjobinfo,excnodes,bogus:7z,'
    + 'siblingsactive,siblingsviable,siblingsactiveraw,siblingsviableraw,tres,shared,numtask,numtasksx,JOBID,Name';
  const r = renderSqueueLong(peerJobs(), format, { now, header: true, dateLine: false, clusterName: 'peer' });
  assert.deepEqual(r.errors, ['Invalid job format specification: excnodes', 'Invalid job format specification: bogus']);
  assert.equal(r.text, `\
SCHEDNODES          S:C:T               SOCKETS_PER_NODE    CORES_PER_SOCKET    THREADS_PER_CORE    OVER_SUBSCRIBE      CONTIGUOUS          WCKEY               TRES_PER_NODE                           zACTIVE_SIBLINGS     VIABLE_SIBLINGS     ACTIVE_SIBLINGS_RAW VIALBLE_SIBLINGS_RAWTRES_ALLOC          OVER_SUBSCRIBE      TASKS               TASKS               JOBID               NAME                
(null)              *:*:*               *                   *                   *                   OK                  0                   (null)              N/A                                     zNA                  NA                  NA                  NA                  cpu=4,mem=1G,node=2,OK                  2                   2                   209                 pend                
(null)              *:*:*               *                   *                   *                   OK                  0                   (null)              N/A                                     zNA                  NA                  NA                  NA                  cpu=1,mem=256M,node=OK                  1                   1                   208                 a1                  
`);
});

test('peer: exit codes are wait statuses; an empty list prints empty lines; sizes that are not numbers', () => {
  const failed = makeJob({
    id: 207, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: { code: 3, signal: 0 }, submitTime: at('06:53:37'),
    eligibleTime: at('06:53:37'), startTime: at('06:53:38'), endTime: at('06:53:38'), lastSchedEval: at('06:53:38'), nodeList: ['n1'],
  });
  const opts = { now: at('06:53:41'), header: true, dateLine: false, clusterName: null };
  assert.equal(renderSqueueLong([failed], 'jobid:5,exit_code:6,derivedec:6,state:10,pendingtime:6,eligibletime:20,lastschedeval', opts).text, `\
JOBIDEXIT_CDERIVESTATE     PENDINELIGIBLE_TIME       LAST_SCHED_EVAL     
207  768   0     FAILED    1     2026-11-21T06:53:37 2026-11-21T06:53:38 
`);
  assert.equal(renderSqueueLong([failed], '', opts).text, '\n\n');
  assert.equal(renderSqueueLong([failed], ',,jobid,,', opts).text, 'JOBID               \n207                 \n');
  assert.equal(renderSqueueLong([failed], 'jobid:abc,name:.', opts).text, 'JOBIDabcNAME\n207abcwrap\n');
  assert.equal(renderSqueueLong([failed], 'cluster:8', opts).text, 'CLUSTER \n(null)  \n');
  assert.deepEqual(parseSqueueLongFormat('nosuch').errors, ['Invalid job format specification: nosuch']);
});
