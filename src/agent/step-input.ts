// srun's stdin for a step: the launch request's body is one JSON line (the
// StepLaunchRequest) followed by srun's stdin as raw bytes until srun's stdin ends. The
// agent reads the line, then copies the rest to every task's stdin (srun's default
// `--input=all`), at the pace of the slowest reader; a task that exits early just stops
// receiving.

import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';

const MAX_HEAD = 8 * 1024 * 1024;

/** The request's first line as JSON (the whole body when it has no newline); null when malformed. */
export function readHead(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: unknown): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      resolve(v);
    };
    const parse = (b: Buffer): unknown => {
      try {
        return JSON.parse(b.toString('utf8')) as unknown;
      } catch {
        return null;
      }
    };
    const onData = (c: Buffer): void => {
      const nl = c.indexOf(10);
      if (nl < 0) {
        chunks.push(c);
        size += c.length;
        if (size > MAX_HEAD) done(null);
        return;
      }
      req.pause();
      const rest = c.subarray(nl + 1);
      if (rest.length > 0) req.unshift(rest);
      done(parse(Buffer.concat([...chunks, c.subarray(0, nl)])));
    };
    const onEnd = (): void => done(chunks.length === 0 ? null : parse(Buffer.concat(chunks)));
    req.on('data', onData);
    req.on('end', onEnd);
  });
}

/** Copies `input` to every one of `outs`, pausing while any of them is full; ends them at its end. */
export function fanOut(input: Readable | null, outs: readonly Writable[]): void {
  for (const o of outs) o.on('error', () => undefined); // a task that exits without reading: EPIPE
  const open = (o: Writable): boolean => !o.destroyed && !o.writableEnded;
  const endAll = (): void => {
    for (const o of outs) if (open(o)) o.end();
  };
  if (input === null || input.readableEnded) {
    endAll();
    return;
  }
  const waiting = new Set<Writable>();
  const release = (o: Writable): void => {
    if (waiting.delete(o) && waiting.size === 0) input.resume();
  };
  for (const o of outs) {
    o.on('drain', () => release(o));
    o.on('close', () => release(o));
  }
  input.on('data', (c: Buffer) => {
    for (const o of outs) if (open(o) && !o.write(c)) waiting.add(o);
    if (waiting.size > 0) input.pause();
  });
  input.on('end', endAll);
  input.on('close', endAll);
  input.on('error', endAll);
  input.resume();
}
