// Accounts and QOS as a job gets them. Ratchet keeps no association database; it answers as
// a freshly installed slurmdbd does (the peer's): one association, user root in account
// root, and the one QOS `normal`, with AccountingStorageEnforce unset. So:
//   - root's job is charged to root, whatever account it names (an unknown account falls
//     back to the user's default association);
//   - any other user has no association: the job keeps the account it names, or none
//     (scontrol shows Account=(null), squeue/sacct an empty column);
//   - an unknown QOS is accepted but resolves to no QOS (QOS= is empty).

const ROOT_ACCOUNT = 'root';
const QOS_NAMES: readonly string[] = ['normal'];

export function jobAccount(uid: number, requested: string | null): string {
  if (uid === 0) return ROOT_ACCOUNT;
  return requested ?? '';
}

export function jobQos(requested: string | null): string {
  if (requested === null) return 'normal';
  return QOS_NAMES.includes(requested) ? requested : '';
}
