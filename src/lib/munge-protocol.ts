// MUNGE's client <-> munged message format (version 4, as spoken by munge 0.5.x), written
// from a reading of the munge sources. Pure Buffer work: no sockets here, so the framing
// and every malformed-response case can be unit-tested without a daemon.
//
// A message is an 11-byte header (magic u32, version u8, type u8, retry u8, body length
// u32) followed by the body. Integers are big-endian. Strings (realm, error text) carry
// their NUL in their length; data blobs (payload, credential) are length-prefixed.

export const MUNGE_MAGIC = 0x00606d4b;
export const MUNGE_VERSION = 4;
export const HEADER_SIZE = 11;

export const MsgType = {
  encodeRequest: 2,
  encodeResponse: 3,
  decodeRequest: 4,
  decodeResponse: 5,
} as const;
export type MsgType = (typeof MsgType)[keyof typeof MsgType];

/** munge_err_t numbers the callers branch on (munge.h). */
export const MungeErr = {
  success: 0,
  snafu: 1,
  badArg: 2,
  badLength: 3,
  socket: 6,
  badCred: 8,
  credInvalid: 14,
  credExpired: 15,
  credRewound: 16,
  credReplayed: 17,
  credUnauthorized: 18,
} as const;

/** Largest payload munged accepts, and largest request it reads (munge_defs.h). */
export const MAX_PAYLOAD = 1_048_576;
export const MAX_REQUEST = MAX_PAYLOAD * 2;
/** A response bigger than this cannot come from munged; refuse it rather than buffer it. */
export const MAX_RESPONSE = MAX_REQUEST + 4096;

/** "Use the daemon's default" for cipher/mac/zip, and "anyone may decode" for uid/gid. */
const DEFAULT_ALGO = 1;
const ANY_ID = 0xffffffff;

/** munge_strerror() text, used when munged sends a code without its own message. */
const ERR_TEXT: Readonly<Record<number, string>> = {
  0: 'Success',
  1: 'Internal error',
  2: 'Invalid argument',
  3: 'Exceeded maximum message length',
  4: 'Buffer overflow',
  5: 'Out of memory',
  6: 'Socket communication error',
  7: 'Socket timeout',
  8: 'Invalid credential format',
  9: 'Invalid credential version',
  10: 'Invalid cipher type',
  11: 'Invalid MAC type',
  12: 'Invalid compression type',
  13: 'Unrecognized security realm',
  14: 'Invalid credential',
  15: 'Expired credential',
  16: 'Rewound credential',
  17: 'Replayed credential',
  18: 'Unauthorized credential',
};

export function mungeStrerror(code: number): string {
  return ERR_TEXT[code] ?? 'Unknown error';
}

/** The response could not have come from a munged speaking our version. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

function frame(type: MsgType, retry: number, body: Buffer): Buffer {
  const hdr = Buffer.alloc(HEADER_SIZE);
  hdr.writeUInt32BE(MUNGE_MAGIC, 0);
  hdr.writeUInt8(MUNGE_VERSION, 4);
  hdr.writeUInt8(type, 5);
  hdr.writeUInt8(retry & 0xff, 6);
  hdr.writeUInt32BE(body.length, 7);
  return Buffer.concat([hdr, body]);
}

/**
 * Encode request: default cipher/mac/zip, no realm, ttl (0 = daemon default,
 * 0xffffffff = daemon maximum), the uid allowed to decode (null = anyone; no gid
 * restriction), then the payload.
 */
export function packEncodeRequest(payload: Buffer, ttl: number, retry = 0, restrictUid: number | null = null): Buffer {
  const body = Buffer.alloc(4 + 4 + 4 + 4 + 4 + payload.length);
  let o = 0;
  o = body.writeUInt8(DEFAULT_ALGO, o);
  o = body.writeUInt8(DEFAULT_ALGO, o);
  o = body.writeUInt8(DEFAULT_ALGO, o);
  o = body.writeUInt8(0, o); // realm length: none
  o = body.writeUInt32BE(ttl >>> 0, o);
  o = body.writeUInt32BE(restrictUid ?? ANY_ID, o);
  o = body.writeUInt32BE(ANY_ID, o);
  o = body.writeUInt32BE(payload.length, o);
  payload.copy(body, o);
  return frame(MsgType.encodeRequest, retry, body);
}

/** Decode request: the credential text with its terminating NUL, as libmunge sends it. */
export function packDecodeRequest(cred: Buffer, retry = 0): Buffer {
  const body = Buffer.alloc(4 + cred.length + 1);
  body.writeUInt32BE(cred.length + 1, 0);
  cred.copy(body, 4);
  return frame(MsgType.decodeRequest, retry, body);
}

export interface Header {
  type: number;
  retry: number;
  length: number;
}

/** Validates and reads a header; throws ProtocolError on a foreign or oversized one. */
export function parseHeader(buf: Buffer): Header {
  if (buf.length < HEADER_SIZE) throw new ProtocolError(`short header: ${buf.length} bytes`);
  const magic = buf.readUInt32BE(0);
  if (magic !== MUNGE_MAGIC) throw new ProtocolError(`bad magic 0x${magic.toString(16)}`);
  const version = buf.readUInt8(4);
  if (version !== MUNGE_VERSION) throw new ProtocolError(`unsupported message version ${version}`);
  const length = buf.readUInt32BE(7);
  if (length > MAX_RESPONSE) throw new ProtocolError(`message length ${length} exceeds ${MAX_RESPONSE}`);
  return { type: buf.readUInt8(5), retry: buf.readUInt8(6), length };
}

/** Bounds-checked sequential reader; any overrun is a ProtocolError. */
class Reader {
  private off = 0;
  private readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  private need(n: number): void {
    if (this.off + n > this.buf.length) {
      throw new ProtocolError(`truncated body: need ${n} bytes at ${this.off} of ${this.buf.length}`);
    }
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.off++);
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  /** A string stored with its NUL; the NUL and anything after it are dropped. */
  cstr(n: number): string {
    const b = this.bytes(n);
    const nul = b.indexOf(0);
    return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
  }
  end(): void {
    if (this.off !== this.buf.length) throw new ProtocolError(`${this.buf.length - this.off} trailing bytes`);
  }
}

export interface EncodeResponse {
  code: number;
  error: string;
  /** The credential text (its NUL removed); empty on failure. */
  cred: string;
}

export function parseEncodeResponse(h: Header, body: Buffer): EncodeResponse {
  if (h.type !== MsgType.encodeResponse) throw new ProtocolError(`expected encode response, got type ${h.type}`);
  const r = new Reader(body);
  const code = r.u8();
  const error = r.cstr(r.u8());
  const cred = r.cstr(r.u32());
  r.end();
  return { code, error: code === 0 ? '' : error || mungeStrerror(code), cred };
}

export interface DecodeResponse {
  code: number;
  error: string;
  ttl: number;
  /** Seconds since the epoch at which the credential was encoded (0 if not decoded). */
  encodedAt: number;
  uid: number;
  gid: number;
  payload: Buffer;
}

export function parseDecodeResponse(h: Header, body: Buffer): DecodeResponse {
  if (h.type !== MsgType.decodeResponse) throw new ProtocolError(`expected decode response, got type ${h.type}`);
  const r = new Reader(body);
  const code = r.u8();
  const error = r.cstr(r.u8());
  r.u8(); // cipher
  r.u8(); // mac
  r.u8(); // zip
  r.bytes(r.u8()); // realm
  const ttl = r.u32();
  const addrLen = r.u8();
  // An IPv4 address is all munged ever stores; more would overrun its own struct.
  if (addrLen > 4) throw new ProtocolError(`address length ${addrLen}`);
  r.bytes(addrLen);
  const encodedAt = r.u32();
  r.u32(); // decode time
  const uid = r.u32();
  const gid = r.u32();
  r.u32(); // uid restriction
  r.u32(); // gid restriction
  const payload = Buffer.from(r.bytes(r.u32()));
  r.end();
  return { code, error: code === 0 ? '' : error || mungeStrerror(code), ttl, encodedAt, uid, gid, payload };
}
