import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HEADER_SIZE, MAX_RESPONSE, MsgType, ProtocolError,
  mungeStrerror, packDecodeRequest, packEncodeRequest, parseDecodeResponse, parseEncodeResponse, parseHeader,
} from './munge-protocol.ts';

function header(type: number, length: number, magic = 0x00606d4b, version = 4): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  h.writeUInt32BE(magic, 0);
  h.writeUInt8(version, 4);
  h.writeUInt8(type, 5);
  h.writeUInt8(0, 6);
  h.writeUInt32BE(length, 7);
  return h;
}

const u8 = (n: number): Buffer => Buffer.from([n]);
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
const cstr = (s: string): Buffer => (s === '' ? Buffer.alloc(0) : Buffer.concat([Buffer.from(s), u8(0)]));

/** A decode response body laid out field by field, as munged writes it. */
function decodeBody(o: { code?: number; error?: string; addr?: Buffer; payload?: Buffer; uid?: number; gid?: number }): Buffer {
  const err = cstr(o.error ?? '');
  const addr = o.addr ?? Buffer.from([127, 0, 0, 1]);
  const payload = o.payload ?? Buffer.alloc(0);
  return Buffer.concat([
    u8(o.code ?? 0), u8(err.length), err,
    u8(4), u8(5), u8(0), // cipher aes128, mac sha256, zip none
    u8(0), // realm
    u32(300),
    u8(addr.length), addr,
    u32(1_700_000_000), u32(1_700_000_001),
    u32(o.uid ?? 1000), u32(o.gid ?? 100),
    u32(0xffffffff), u32(0xffffffff),
    u32(payload.length), payload,
  ]);
}

test('encode request: header then defaults, ttl, no restriction, payload', () => {
  const m = packEncodeRequest(Buffer.from('hi'), 60, 2);
  const h = parseHeader(m);
  assert.deepEqual(h, { type: MsgType.encodeRequest, retry: 2, length: m.length - HEADER_SIZE });
  assert.equal(m.readUInt32BE(0), 0x00606d4b);
  const b = m.subarray(HEADER_SIZE);
  assert.deepEqual([...b.subarray(0, 4)], [1, 1, 1, 0]);
  assert.equal(b.readUInt32BE(4), 60);
  assert.equal(b.readUInt32BE(8), 0xffffffff);
  assert.equal(b.readUInt32BE(12), 0xffffffff);
  assert.equal(b.readUInt32BE(16), 2);
  assert.equal(b.subarray(20).toString(), 'hi');
  // -1 is munge's "maximum ttl" and travels as 0xffffffff.
  assert.equal(packEncodeRequest(Buffer.alloc(0), -1).readUInt32BE(HEADER_SIZE + 4), 0xffffffff);
});

test('decode request carries the credential with its NUL', () => {
  const m = packDecodeRequest(Buffer.from('MUNGE:abc:'));
  assert.equal(parseHeader(m).type, MsgType.decodeRequest);
  const b = m.subarray(HEADER_SIZE);
  assert.equal(b.readUInt32BE(0), 11);
  assert.equal(b.subarray(4).toString('latin1'), 'MUNGE:abc:\0');
});

test('foreign, short or oversized headers are protocol errors', () => {
  assert.throws(() => parseHeader(Buffer.alloc(5)), ProtocolError);
  assert.throws(() => parseHeader(header(3, 0, 0x12345678)), /bad magic/);
  assert.throws(() => parseHeader(header(3, 0, undefined, 5)), /version 5/);
  assert.throws(() => parseHeader(header(3, MAX_RESPONSE + 1)), /exceeds/);
});

test('encode response: credential, or munged error text, or strerror when it sent none', () => {
  const ok = Buffer.concat([u8(0), u8(0), u32(11), Buffer.from('MUNGE:xyz:\0')]);
  assert.deepEqual(parseEncodeResponse(parseHeader(header(3, ok.length)), ok), { code: 0, error: '', cred: 'MUNGE:xyz:' });
  const e = cstr('Failed to foo');
  const bad = Buffer.concat([u8(1), u8(e.length), e, u32(0)]);
  assert.deepEqual(parseEncodeResponse(parseHeader(header(3, bad.length)), bad), { code: 1, error: 'Failed to foo', cred: '' });
  const bare = Buffer.concat([u8(17), u8(0), u32(0)]);
  assert.equal(parseEncodeResponse(parseHeader(header(3, bare.length)), bare).error, 'Replayed credential');
});

test('decode response fields are read in order', () => {
  const body = decodeBody({ payload: Buffer.from('pay\nload'), uid: 65534, gid: 65533 });
  const r = parseDecodeResponse(parseHeader(header(5, body.length)), body);
  assert.equal(r.code, 0);
  assert.equal(r.uid, 65534);
  assert.equal(r.gid, 65533);
  assert.equal(r.ttl, 300);
  assert.equal(r.encodedAt, 1_700_000_000);
  assert.equal(r.payload.toString(), 'pay\nload');
  const noAddr = decodeBody({ addr: Buffer.alloc(0) });
  assert.equal(parseDecodeResponse(parseHeader(header(5, noAddr.length)), noAddr).uid, 1000);
  const expired = decodeBody({ code: 15 });
  assert.equal(parseDecodeResponse(parseHeader(header(5, expired.length)), expired).error, 'Expired credential');
});

test('malformed decode responses are protocol errors, never crashes', () => {
  const body = decodeBody({ payload: Buffer.from('abc') });
  const h = parseHeader(header(5, body.length));
  for (let cut = 0; cut < body.length; cut++) {
    assert.throws(() => parseDecodeResponse(h, body.subarray(0, cut)), ProtocolError, `cut at ${cut}`);
  }
  assert.throws(() => parseDecodeResponse(h, Buffer.concat([body, u8(0)])), /trailing/);
  const wideAddr = decodeBody({ addr: Buffer.alloc(5) });
  assert.throws(() => parseDecodeResponse(h, wideAddr), /address length 5/);
  assert.throws(() => parseDecodeResponse(parseHeader(header(3, body.length)), body), /expected decode response/);
  assert.throws(() => parseEncodeResponse(h, body), /expected encode response/);
});

test('strerror matches munge wording', () => {
  assert.equal(mungeStrerror(14), 'Invalid credential');
  assert.equal(mungeStrerror(16), 'Rewound credential');
  assert.equal(mungeStrerror(99), 'Unknown error');
});
