import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { fanOut, readHead } from './step-input.ts';

const collect = (s: PassThrough): Promise<string> => new Promise((resolve) => {
  let t = '';
  s.on('data', (c: Buffer) => (t += c.toString()));
  s.on('end', () => resolve(t));
});

test('the launch line is parsed and the bytes after it reach every task', async () => {
  const req = new PassThrough();
  req.write('{"a":1}\nfirst ');
  const head = await readHead(req as unknown as IncomingMessage);
  assert.deepEqual(head, { a: 1 });
  const outs = [new PassThrough(), new PassThrough()];
  const got = outs.map(collect);
  fanOut(req, outs);
  req.end('second\n');
  assert.deepEqual(await Promise.all(got), ['first second\n', 'first second\n']);
});

test('an old-style body (JSON without a newline) still parses; the tasks get EOF', async () => {
  const req = new PassThrough();
  req.end('{"b":2}');
  assert.deepEqual(await readHead(req as unknown as IncomingMessage), { b: 2 });
  const out = new PassThrough();
  const got = collect(out);
  fanOut(req, [out]);
  assert.equal(await got, '');
  const bad = new PassThrough();
  bad.end('not json\n');
  assert.equal(await readHead(bad as unknown as IncomingMessage), null);
});

test('a task that stops reading does not stop the others (its stream closes, not drains)', async () => {
  const input = new PassThrough();
  const slow = new PassThrough({ highWaterMark: 1 });
  const fast = new PassThrough();
  const got = collect(fast);
  fanOut(input, [slow, fast]);
  input.write('x'.repeat(1000));
  slow.destroy();
  input.end('y');
  assert.equal(await got, `${'x'.repeat(1000)}y`);
});
