// Markdown and JSON forms of the escalation report (escalation-report.ts computes it).

import type { AttemptNote } from '../core/escalation.ts';
import { formatElapsed } from '../core/time-spec.ts';
import type { Chain, Waste } from './escalation-report.ts';
import { rounds, summary, unsuccessful, wasteBy } from './escalation-report.ts';

const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] => [
  `| ${head.join(' | ')} |`, `|${head.map((h) => '-'.repeat(h.length + 2)).join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
];

/** Hours with enough digits for second-scale test runs and readable for real ones. */
const hours = (x: number): string => (x === 0 ? '0' : x >= 1 ? x.toFixed(2) : x.toPrecision(3));

const exitText = (a: AttemptNote): string => (a.exitCode.signal !== 0 ? `0:${a.exitCode.signal}` : String(a.exitCode.code));

const WASTE_HEAD = ['Failed attempts', 'Failed core-h', 'Failed GB-h', 'Successful GB-h', 'Over-allocation GB-h'];
const wasteRow = (w: Waste): string[] =>
  [String(w.failedAttempts), hours(w.failedCoreH), hours(w.failedGBh), hours(w.successfulGBh), hours(w.overAllocGBh)];

export function chainMarkdown(c: Chain, detailed: boolean): string[] {
  const rs = rounds(c);
  const out = [`## Chain: ${c.jobId} (${c.name}, user ${c.user}, policy ${c.policy})`, '',
    ...(c.start === null ? [] : [`**Start:** ${c.start}`, '']), '### Escalation Rounds', ''];
  out.push(...table(['Round', 'Job ID', 'Memory', 'Time', 'Tasks', 'Done', 'OOM', 'Timeout', 'Failed', 'Status'],
    rs.map((r) => [r.round, r.jobId, r.memory, r.time, r.tasks, r.done, r.oom, r.timeout, r.failed, r.status])));
  if (detailed) {
    out.push('', '### Task Details');
    for (const r of rs) {
      out.push('', `#### Round ${r.round}: ${r.memory} / ${r.time}`, '', '**Status Distribution:**', '');
      const st = Object.entries(r.states).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      out.push(...table(['Status', 'Count'], st));
      if (r.runtime !== null) out.push('', `**Runtime:** min=${formatElapsed(r.runtime.min)}, max=${formatElapsed(r.runtime.max)}`);
    }
    out.push('', '### Attempts', '');
    const rows = c.tasks.flatMap((t) => t.esc.attempts.map((a) => [t.id, a.attempt, a.level, a.partition, a.state, a.outcome, a.evidence]));
    out.push(...table(['Task ID', 'Attempt', 'Level', 'Partition', 'State', 'Outcome', 'Evidence'], rows));
  }
  const nr = unsuccessful(c, 'not_retried');
  out.push('', '### Failed Tasks (Not Retried)', '', `**${nr.length}** tasks failed with code errors and were not escalated.`);
  if (nr.length > 0) {
    out.push('', '**Failed task details (first 20):**', '');
    out.push(...table(['Task ID', 'Status', 'Exit Code', 'Node', 'Elapsed'],
      nr.slice(0, 20).map(({ task, last }) => [task.id.split('_')[1] ?? task.id, last.state, exitText(last), last.node, formatElapsed(last.elapsed)])));
  }
  const ex = unsuccessful(c, 'exhausted');
  if (ex.length > 0) {
    out.push('', '### Exhausted Tasks', '', `**${ex.length}** tasks ran out of rungs or budget.`, '');
    out.push(...table(['Task ID', 'Status', 'Level', 'Evidence'], ex.slice(0, 20).map(({ task, last }) => [task.id, last.state, last.level, last.evidence])));
  }
  const s = summary(c);
  out.push('', '### Summary', '',
    `**${s.completed}** of ${s.tasks} tasks completed. **${s.notRetried}** failed (not retried). **${s.exhausted}** exhausted. ` +
    `**${s.active}** still active. **${s.escalations}** escalations.`);
  out.push('', '### Waste', '');
  const byPart = wasteBy([c], (_c, a) => a.partition);
  out.push(...table(['Partition', ...WASTE_HEAD], [...byPart.entries()].map(([k, w]) => [k, ...wasteRow(w)])));
  return out;
}

export function allMarkdown(chains: readonly Chain[], detailed: boolean): string {
  const out: string[] = ['# Escalation report', ''];
  for (const c of chains) out.push(...chainMarkdown(c, detailed), '');
  if (chains.length > 1) {
    out.push('## Waste by user', '');
    out.push(...table(['User', ...WASTE_HEAD], [...wasteBy(chains, (c) => c.user).entries()].map(([k, w]) => [k, ...wasteRow(w)])));
    out.push('', '## Waste by partition', '');
    out.push(...table(['Partition', ...WASTE_HEAD], [...wasteBy(chains, (_c, a) => a.partition).entries()].map(([k, w]) => [k, ...wasteRow(w)])));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function allJson(chains: readonly Chain[], detailed: boolean): string {
  const obj = (m: Map<string, Waste>): Record<string, Waste> => Object.fromEntries(m);
  return `${JSON.stringify({
    chains: chains.map((c) => ({
      jobId: c.jobId, name: c.name, user: c.user, policy: c.policy, start: c.start,
      rounds: rounds(c), summary: summary(c),
      notRetried: unsuccessful(c, 'not_retried').map(({ task, last }) => ({ task: task.id, ...last })),
      exhausted: unsuccessful(c, 'exhausted').map(({ task, last }) => ({ task: task.id, ...last })),
      waste: obj(wasteBy([c], () => 'all')).all ?? null,
      ...(detailed ? { tasks: c.tasks.map((t) => ({ id: t.id, outcome: t.esc.outcome, note: t.esc.note, attempts: t.attempts })) } : {}),
    })),
    wasteByUser: obj(wasteBy(chains, (c) => c.user)),
    wasteByPartition: obj(wasteBy(chains, (_c, a) => a.partition)),
  }, null, 2)}\n`;
}
