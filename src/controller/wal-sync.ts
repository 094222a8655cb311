// Durability without blocking the event loop. SQLite in WAL mode with synchronous=FULL
// fsyncs the log inside every COMMIT, on the controller's only thread: about a millisecond
// per commit on this machine's disk, during which nothing else is served. With
// synchronous=NORMAL the COMMIT only writes the log (a process crash is already safe: the
// frames are in the page cache), and this class makes it power-safe before anyone is told:
// callers' acknowledgements wait for an fdatasync of the -wal file run on libuv's thread
// pool. A sync started before a commit does not cover it, so commits that arrive while one
// is in flight wait for the next, which then covers all of them (group commit).
//
// SQLite keeps the -wal file (same inode: a checkpoint rewinds it, never unlinks it) for
// as long as the database is open, so one descriptor opened after the first commit serves
// for the life of the store. SQLite itself syncs the log before each checkpoint copies it
// into the database, so frames are never dropped unsynced.

import { closeSync, fdatasync, openSync } from 'node:fs';

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

export class WalSync {
  private readonly path: string;
  private fd: number | null = null;
  private inFlight: Waiter[] | null = null;
  private next: Waiter[] = [];
  private closed = false;
  /** A COMMIT happened since the last sync started. */
  private dirty = false;

  constructor(walPath: string) {
    this.path = walPath;
  }

  /** The store committed a transaction: the next `after` needs a fresh sync. */
  committed(): void {
    this.dirty = true;
  }

  /** Resolve `waiters` once everything committed so far is on stable storage. */
  after(waiters: Waiter[]): void {
    if (waiters.length === 0) return;
    if (this.closed || (!this.dirty && this.inFlight === null)) {
      for (const w of waiters) w.resolve();
    } else if (!this.dirty && this.inFlight !== null) {
      // nothing committed since the running sync began: it covers them
      this.inFlight.push(...waiters);
    } else {
      this.next.push(...waiters);
      if (this.inFlight === null) this.start();
    }
  }

  private start(): void {
    const batch = this.next;
    this.next = [];
    let fd: number;
    try {
      this.fd ??= openSync(this.path, 'r+');
      fd = this.fd;
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    this.inFlight = batch;
    this.dirty = false;
    fdatasync(fd, (err) => {
      this.inFlight = null;
      if (this.closed) {
        // close() settled these (the database close synced everything); release the fd now
        // that no thread-pool call uses it.
        this.release();
        return;
      }
      for (const w of batch) {
        if (err === null) w.resolve();
        else w.reject(err);
      }
      if (this.next.length > 0) this.start();
    });
  }

  private release(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  /**
   * Shutdown, after the caller closed the database (SQLite checkpoints and syncs on close):
   * everything is durable, so settle whoever still waits.
   */
  close(): void {
    this.closed = true;
    const waiting = [...(this.inFlight ?? []), ...this.next];
    this.next = [];
    if (this.inFlight === null) this.release();
    for (const w of waiting) w.resolve();
  }
}
