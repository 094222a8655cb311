// Local account lookup from /etc/passwd and /etc/group (what getpwuid/getgrgid would
// answer on a machine without NSS modules), cached briefly.

import { readFileSync } from 'node:fs';

interface Db {
  at: number;
  users: Map<number, { name: string; gid: number; home: string; shell: string }>;
  byName: Map<string, number>;
  groups: Map<number, string>;
}

let cache: Db | null = null;

function load(): Db {
  const now = Date.now();
  if (cache !== null && now - cache.at < 5000) return cache;
  const users = new Map<number, { name: string; gid: number; home: string; shell: string }>();
  const byName = new Map<string, number>();
  const groups = new Map<number, string>();
  const read = (p: string): string => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '';
    }
  };
  for (const line of read('/etc/passwd').split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    if (!Number.isInteger(uid)) continue;
    users.set(uid, { name: f[0] ?? '', gid: Number(f[3]), home: f[5] ?? '/', shell: f[6] ?? '/bin/sh' });
    byName.set(f[0] ?? '', uid);
  }
  for (const line of read('/etc/group').split('\n')) {
    const f = line.split(':');
    if (f.length < 3) continue;
    groups.set(Number(f[2]), f[0] ?? '');
  }
  cache = { at: now, users, byName, groups };
  return cache;
}

export function userName(uid: number): string {
  return load().users.get(uid)?.name ?? String(uid);
}

export function groupName(gid: number): string {
  return load().groups.get(gid) ?? String(gid);
}

export function uidOf(name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  return load().byName.get(name);
}

/** root or SlurmUser: the users the daemons run as, and the only ones that may act as one. */
export function isDaemonUid(uid: number, slurmUser: string): boolean {
  return uid === 0 || uid === uidOf(slurmUser);
}

/** A user name, or a numeric uid, that has a passwd entry (Slurm's uid_from_string). */
export function existingUid(s: string): number | undefined {
  const db = load();
  if (/^\d+$/.test(s)) return db.users.has(Number(s)) ? Number(s) : undefined;
  return db.byName.get(s);
}
