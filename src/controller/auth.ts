// Who is calling: the verified uid/gid of a request (lib/auth-header.ts does MUNGE or the
// single-user auth/none), turned into a user identity; and who counts as an operator.

import type { IncomingHttpHeaders } from 'node:http';
import type { RatchetConfig } from '../core/config-model.ts';
import type { UserIdentity } from '../core/job.ts';
import { HttpError } from '../lib/http.ts';
import { userName, groupName, isDaemonUid } from '../lib/users.ts';
import { authHeaders as headersFor, verifyHeaders } from '../lib/auth-header.ts';
import type { SessionIssuer } from '../lib/daemon-session.ts';

export function authHeaders(cfg: RatchetConfig, method: string, path: string): Promise<Record<string, string>> {
  return headersFor(cfg, method, path);
}

export async function identify(cfg: RatchetConfig, headers: IncomingHttpHeaders, method: string, path: string): Promise<UserIdentity> {
  const v = await verifyHeaders(cfg, headers, method, path);
  if (!v.ok) throw new HttpError(401, { error: 'Protocol authentication error', detail: [v.error] });
  return { uid: v.uid, gid: v.gid, name: userName(v.uid), group: groupName(v.gid) };
}

export function isOperator(cfg: RatchetConfig, who: UserIdentity): boolean {
  return who.uid === 0 || who.name === cfg.slurmUser || cfg.adminUsers.includes(who.name);
}

/** PrivateData=jobs: a non-operator sees only their own jobs (others' are simply absent). */
export function seesOnlyOwnJobs(cfg: RatchetConfig, who: UserIdentity): boolean {
  return cfg.privateData.includes('jobs') && !isOperator(cfg, who);
}

/**
 * Daemon-to-daemon calls must come from root or SlurmUser, signed with a session
 * (lib/daemon-session.ts) or, when `sessions` is null or the call carries none, with MUNGE.
 */
export async function identifyDaemon(
  cfg: RatchetConfig, headers: IncomingHttpHeaders, method: string, path: string, sessions: SessionIssuer | null,
): Promise<UserIdentity> {
  const s = sessions?.verify(headers, method, path) ?? null;
  if (s !== null && !s.ok) throw new HttpError(401, { error: 'Protocol authentication error', detail: [s.error] });
  const who = s === null ? await identify(cfg, headers, method, path) : { uid: s.uid, gid: s.gid, name: userName(s.uid), group: groupName(s.gid) };
  if (!isDaemonUid(who.uid, cfg.slurmUser)) throw new HttpError(403, { error: 'Access/permission denied' });
  return who;
}
