// Persistent state: embedded SQLite (node:sqlite) in WAL mode under StateSaveLocation.
//
// Every accepted change is an event appended in the same transaction that rewrites the
// job's row. Changes are group-committed: callers queue writes synchronously and await
// flush(); one transaction (one fsync) covers everything queued in the same event-loop
// turn, and a request is acknowledged only after its transaction committed. On restart
// the controller rebuilds its live state from the rows; nothing acknowledged is lost.
//
// The COMMIT itself only writes the log (synchronous=NORMAL); the fsync that makes it
// power-safe runs off the event loop and acknowledgements wait for it (wal-sync.ts).
// `RATCHET_STORE_SYNC=full` syncs inside COMMIT instead (SQLite's own way, for comparison);
// the file is `<dir>/ratchet.db`.

import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, JobId } from '../core/job.ts';
import { isFinished } from '../core/job-state.ts';
import { cachedJobTexts } from '../api/job-codec.ts';
import type { JobTexts } from '../api/job-codec.ts';
import { WalSync } from './wal-sync.ts';
import { runClass } from './run-class.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  uid INTEGER NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  finished INTEGER NOT NULL,
  submit_time INTEGER NOT NULL,
  start_time INTEGER,
  end_time INTEGER,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_live ON jobs(finished, end_time);
CREATE INDEX IF NOT EXISTS jobs_end ON jobs(end_time);
CREATE INDEX IF NOT EXISTS jobs_uid ON jobs(uid);
CREATE TABLE IF NOT EXISTS scripts (id INTEGER PRIMARY KEY, script TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT
);
CREATE INDEX IF NOT EXISTS events_job ON events(job_id);
`;

/**
 * The accounting index: per job the columns sacct's selection runs on (controller/acct-sql.ts)
 * and the compact wire texts (api/job-codec.ts), in narrow rows of their own so a query over
 * 100k jobs neither reads nor parses the full `data`. Filled from `data` at open when a
 * database predates it.
 */
const ACCT_SCHEMA = `
CREATE TABLE IF NOT EXISTS acct (
  id INTEGER PRIMARY KEY,
  uid INTEGER NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  submit_time INTEGER NOT NULL,
  eligible_time INTEGER,
  start_time INTEGER,
  end_time INTEGER,
  account TEXT NOT NULL,
  part TEXT NOT NULL,
  array_job_id INTEGER,
  head TEXT NOT NULL,
  rest TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS acct_array ON acct(array_job_id);
`;

/**
 * Added for `--escalate-start=auto`: the run's class (run-class.ts) and its measured peak
 * memory in bytes, so the history of a class is one index range (classHistory).
 */
const ACCT_CLASS = 'CREATE INDEX IF NOT EXISTS acct_class ON acct(cls, state, end_time)';

interface PendingWrite {
  job: Job;
  kind: string;
  at: number;
  data: unknown;
  script: boolean;
}

export class Store {
  private readonly db: DatabaseSync;
  private readonly upsert: StatementSync;
  private readonly upsertAcct: StatementSync;
  private readonly addEvent: StatementSync;
  private readonly addScript: StatementSync;
  private readonly setMeta: StatementSync;
  private queue: PendingWrite[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private nextId = 1;
  private metaQueue = new Map<string, string>();
  private readonly walSync: WalSync | null;

  constructor(dir: string, firstJobId = 1) {
    mkdirSync(dir, { recursive: true });
    this.db = new DatabaseSync(join(dir, 'ratchet.db'));
    const inCommit = process.env.RATCHET_STORE_SYNC === 'full';
    this.walSync = inCommit ? null : new WalSync(join(dir, 'ratchet.db-wal'));
    this.db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=${inCommit ? 'FULL' : 'NORMAL'}; PRAGMA busy_timeout=5000;`);
    this.db.exec(SCHEMA);
    // Added with job arrays: the ArrayJobId of a task record (NULL for ordinary jobs).
    const cols = this.db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[];
    if (!cols.some((c) => c.name === 'array_job_id')) this.db.exec('ALTER TABLE jobs ADD COLUMN array_job_id INTEGER');
    this.db.exec('CREATE INDEX IF NOT EXISTS jobs_array ON jobs(array_job_id)');
    this.db.exec(ACCT_SCHEMA);
    const acctCols = this.db.prepare('PRAGMA table_info(acct)').all() as { name: string }[];
    if (!acctCols.some((c) => c.name === 'cls')) this.db.exec('ALTER TABLE acct ADD COLUMN cls TEXT; ALTER TABLE acct ADD COLUMN peak INTEGER');
    this.db.exec(ACCT_CLASS);
    this.upsert = this.db.prepare(`INSERT INTO jobs (id, uid, name, state, finished, submit_time, start_time, end_time, data, array_job_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET state=excluded.state, finished=excluded.finished, name=excluded.name,
        submit_time=excluded.submit_time, start_time=excluded.start_time, end_time=excluded.end_time, data=excluded.data,
        array_job_id=excluded.array_job_id`);
    // A row rewritten without the script at hand (a finished job loaded at restart) keeps its class.
    this.upsertAcct = this.db.prepare(`INSERT INTO acct
      (id, uid, name, state, submit_time, eligible_time, start_time, end_time, account, part, array_job_id, head, rest, cls, peak)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET uid=excluded.uid, name=excluded.name, state=excluded.state, submit_time=excluded.submit_time,
        eligible_time=excluded.eligible_time, start_time=excluded.start_time, end_time=excluded.end_time, account=excluded.account,
        part=excluded.part, array_job_id=excluded.array_job_id, head=excluded.head, rest=excluded.rest,
        cls=coalesce(excluded.cls, acct.cls), peak=excluded.peak`);
    this.backfill();
    this.addEvent = this.db.prepare('INSERT INTO events (job_id, at, kind, data) VALUES (?, ?, ?, ?)');
    this.addScript = this.db.prepare('INSERT OR REPLACE INTO scripts (id, script) VALUES (?, ?)');
    this.setMeta = this.db.prepare('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)');
    const row = this.db.prepare("SELECT v FROM meta WHERE k = 'next_job_id'").get() as { v: string } | undefined;
    const max = this.db.prepare('SELECT MAX(id) AS m FROM jobs').get() as { m: number | null };
    this.nextId = Math.max(row ? Number(row.v) : firstJobId, (max.m ?? 0) + 1);
  }

  /** Allocate a job id. It is made durable by the transaction that writes the job. */
  allocateJobId(): number {
    return this.nextId++;
  }

  peekNextJobId(): number {
    return this.nextId;
  }

  /** Queue a job row rewrite plus its event; `script` also stores the batch script once. */
  write(job: Job, kind: string, at: number, data: unknown = null, script = false): void {
    this.queue.push({ job, kind, at, data, script });
    this.schedule();
  }

  /** Queue a meta value (counters) for the next commit. */
  setMetaValue(k: string, v: string): void {
    this.metaQueue.set(k, v);
    this.schedule();
  }

  meta(k: string): string | undefined {
    return (this.db.prepare('SELECT v FROM meta WHERE k = ?').get(k) as { v: string } | undefined)?.v;
  }

  /** Resolves once everything queued so far is committed and on stable storage. */
  flush(): Promise<void> {
    if (this.queue.length === 0 && this.metaQueue.size === 0 && !this.scheduled) {
      const sync = this.walSync;
      return sync === null ? Promise.resolve() : new Promise((resolve, reject) => sync.after([{ resolve, reject }]));
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commitNow());
  }

  /** Commit the queue in one transaction. Synchronous; also used at shutdown. */
  commitNow(): void {
    this.scheduled = false;
    const batch = this.queue;
    const waiters = this.waiters;
    const meta = this.metaQueue;
    this.queue = [];
    this.waiters = [];
    this.metaQueue = new Map();
    try {
      if (batch.length > 0 || meta.size > 0) {
        this.db.exec('BEGIN');
        try {
          // Only the last row image of a job in this batch needs writing; every event is kept.
          const last = new Map<number, Job>();
          for (const w of batch) {
            last.set(w.job.id, w.job);
            this.addEvent.run(w.job.id, w.at, w.kind, w.data === null ? null : JSON.stringify(w.data));
            if (w.script) this.addScript.run(w.job.id, w.job.req.script);
          }
          for (const job of last.values()) this.writeRow(job);
          this.setMeta.run('next_job_id', String(this.nextId));
          for (const [k, v] of meta) this.setMeta.run(k, v);
          this.db.exec('COMMIT');
          this.walSync?.committed();
        } catch (e) {
          this.db.exec('ROLLBACK');
          throw e;
        }
      }
      if (this.walSync === null) for (const w of waiters) w.resolve();
      else this.walSync.after(waiters);
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
  }

  private writeRow(job: Job): void {
    const data = JSON.stringify({ ...job, req: { ...job.req, script: '' } });
    this.upsert.run(job.id, job.user.uid, job.req.name, job.state, isFinished(job.state) && job.flags.length === 0 ? 1 : 0,
      job.submitTime, job.startTime, job.endTime, data, job.array?.jobId ?? null);
    const [head, rest] = cachedJobTexts(job);
    this.upsertAcct.run(job.id, job.user.uid, job.req.name, job.state, job.submitTime, job.eligibleTime, job.startTime, job.endTime,
      job.req.account, job.req.partition, job.array?.jobId ?? null, head, rest, runClass(job.user.uid, job.req), peakBytes(job));
  }

  /** Rows written before the query columns existed: fill them from `data`, once. */
  private backfill(): void {
    const rows = this.db.prepare('SELECT data FROM jobs WHERE id NOT IN (SELECT id FROM acct)').all() as { data: string }[];
    if (rows.length === 0) return;
    this.db.exec('BEGIN');
    for (const r of rows) this.writeRow(JSON.parse(r.data) as Job);
    this.db.exec('COMMIT');
  }

  /**
   * Compact texts (api/job-codec.ts) of the accounting rows a caller-built WHERE selects, by
   * id, read lazily for an answer streamed while it is read (SQLite lets the store commit
   * while this is open; a row changed meanwhile may show its new image).
   */
  acctRows(where: string, args: readonly (number | string)[]): Iterable<JobTexts> {
    const st = this.db.prepare(`SELECT head, rest FROM acct WHERE ${where} ORDER BY id`);
    st.setReturnArrays(true);
    return st.iterate(...args) as unknown as Iterable<JobTexts>;
  }

  /** Whether any row the WHERE selects belongs to a job array (the answer then needs sacct's array order). */
  acctHasArrays(where: string, args: readonly (number | string)[]): boolean {
    return this.db.prepare(`SELECT EXISTS (SELECT 1 FROM acct WHERE (${where}) AND array_job_id IS NOT NULL) AS x`).get(...args)?.x === 1;
  }


  private hydrate(data: string, withScript: boolean): Job {
    const job = parseJob(data);
    if (!withScript) return job;
    return { ...job, req: { ...job.req, script: this.script(job.array?.jobId ?? job.id) } };
  }

  /** The live view after a restart: unfinished jobs (with scripts) and recently finished ones. */
  loadLive(finishedSince: number): Job[] {
    const rows = this.db.prepare('SELECT data, finished FROM jobs WHERE finished = 0 OR end_time >= ? ORDER BY id')
      .all(finishedSince) as { data: string; finished: number }[];
    return rows.map((r) => this.hydrate(r.data, r.finished === 0));
  }

  script(id: JobId): string {
    const s = this.db.prepare('SELECT script FROM scripts WHERE id = ?').get(id) as { script: string } | undefined;
    return s?.script ?? '';
  }

  /** Accounting query: jobs by id, or every job that was active in [start, end]. */
  accounting(q: { ids: readonly number[] | null; start: number | null; end: number | null; uids: readonly number[] | null }): Job[] {
    const where: string[] = [];
    const args: (number | string)[] = [];
    if (q.ids !== null && q.ids.length > 0) {
      // An array's id also names every task record split off it.
      const marks = q.ids.map(() => '?').join(',');
      where.push(`(id IN (${marks}) OR array_job_id IN (${marks}))`);
      args.push(...q.ids, ...q.ids);
    }
    if (q.start !== null) {
      where.push('(end_time IS NULL OR end_time >= ?)');
      args.push(q.start);
    }
    if (q.end !== null) {
      where.push('submit_time <= ?');
      args.push(q.end);
    }
    if (q.uids !== null) {
      where.push(`uid IN (${q.uids.map(() => '?').join(',')})`);
      args.push(...q.uids);
    }
    const sql = `SELECT data FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as { data: string }[]).map((r) => parseJob(r.data));
  }

  /**
   * The most recent COMPLETED runs of a class with a measured peak (newest first, at most
   * `limit`): peak MiB and elapsed seconds. One range of the acct_class index.
   */
  classHistory(cls: string, limit = 1000): { peakMib: number; elapsed: number }[] {
    const rows = this.db.prepare(`SELECT peak, end_time - start_time AS ms FROM acct INDEXED BY acct_class
      WHERE cls = ? AND state = 'COMPLETED' AND peak IS NOT NULL AND start_time IS NOT NULL ORDER BY end_time DESC LIMIT ?`)
      .all(cls, limit) as { peak: number; ms: number }[];
    return rows.map((r) => ({ peakMib: r.peak / 1024 ** 2, elapsed: Math.max(0, r.ms / 1000) }));
  }

  close(): void {
    this.commitNow();
    this.db.close();
    this.walSync?.close();
  }
}

/** The run's measured peak: the job cgroup's high-water mark, else its largest step's. */
function peakBytes(job: Job): number | null {
  if (job.evidence?.peakMemBytes != null) return job.evidence.peakMemBytes;
  const steps = job.steps.map((s) => s.maxRssBytes).filter((b): b is number => b !== null);
  return steps.length === 0 ? null : Math.max(...steps);
}

/** A stored row image; rows written before a field existed get its neutral value. */
function parseJob(data: string): Job {
  const job = JSON.parse(data) as Job & { array?: Job['array'] };
  return job.array === undefined ? { ...job, array: null } : job;
}
