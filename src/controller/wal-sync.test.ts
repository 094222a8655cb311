import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync } from './wal-sync.ts';

const waiter = (log: string[], name: string): { resolve: () => void; reject: (e: unknown) => void; done: Promise<void> } => {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = () => { log.push(name); res(); };
    reject = (e) => { log.push(`${name}!`); rej(e); };
  });
  return { resolve, reject, done };
};

function walFile(): string {
  const f = join(mkdtempSync(join(tmpdir(), 'walsync-')), 'db-wal');
  writeFileSync(f, 'frames');
  return f;
}

test('nothing committed: waiters are settled at once, without touching the file', async () => {
  const log: string[] = [];
  const s = new WalSync('/nonexistent/db-wal');
  const a = waiter(log, 'a');
  s.after([a]);
  assert.deepEqual(log, ['a']);
  await a.done;
});

test('commits are acknowledged only after a sync; commits during a sync wait for the next one', async () => {
  const log: string[] = [];
  const s = new WalSync(walFile());
  s.committed();
  const a = waiter(log, 'a');
  s.after([a]);
  assert.deepEqual(log, [], 'not before the fdatasync completed');
  // No commit since that sync began: it covers b too.
  const b = waiter(log, 'b');
  s.after([b]);
  // A commit after it began needs a second sync, so c settles after a and b.
  s.committed();
  const c = waiter(log, 'c');
  s.after([c]);
  await Promise.all([a.done, b.done, c.done]);
  assert.deepEqual(log, ['a', 'b', 'c']);
  s.close();
});

test('a sync that cannot be done rejects its waiters (the caller does not acknowledge)', async () => {
  const log: string[] = [];
  const s = new WalSync('/nonexistent/db-wal');
  s.committed();
  const a = waiter(log, 'a');
  s.after([a]);
  await assert.rejects(a.done, /ENOENT/);
});

test('close settles whoever waits (the database close made everything durable)', async () => {
  const log: string[] = [];
  const s = new WalSync(walFile());
  s.committed();
  const a = waiter(log, 'a');
  s.after([a]);
  s.close();
  await a.done;
  const b = waiter(log, 'b');
  s.committed();
  s.after([b]);
  await b.done;
  assert.deepEqual(log, ['a', 'b']);
});
