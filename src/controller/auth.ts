// Who is calling. AuthType=auth/none (single-user sandbox) trusts the uid/gid the client
// states in its headers; auth/munge (issue 3) replaces this with a verified credential.
// Controller -> agent calls carry the controller's own identity the same way.

import type { IncomingHttpHeaders } from 'node:http';
import type { RatchetConfig } from '../core/config-model.ts';
import type { UserIdentity } from '../core/job.ts';
import { HttpError } from '../lib/http.ts';
import { userName, groupName } from '../lib/users.ts';

export function authHeaders(_cfg: RatchetConfig): Record<string, string> {
  return { 'x-ratchet-uid': String(process.getuid?.() ?? 0), 'x-ratchet-gid': String(process.getgid?.() ?? 0) };
}

export function identify(_cfg: RatchetConfig, headers: IncomingHttpHeaders): UserIdentity {
  const uid = Number(headers['x-ratchet-uid']);
  const gid = Number(headers['x-ratchet-gid']);
  if (!Number.isInteger(uid) || uid < 0 || !Number.isInteger(gid) || gid < 0) {
    throw new HttpError(401, { error: 'Protocol authentication error' });
  }
  return { uid, gid, name: userName(uid), group: groupName(gid) };
}

export function isOperator(cfg: RatchetConfig, who: UserIdentity): boolean {
  return who.uid === 0 || who.name === cfg.slurmUser || cfg.adminUsers.includes(who.name);
}
