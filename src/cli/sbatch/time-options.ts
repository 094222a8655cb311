// sbatch --begin and --deadline: Slurm's date grammar (core/date-spec.ts), read against the
// submitting host's clock, as Slurm's sbatch does. A bad value prints parse_time's own line
// first, then `sbatch: error: Invalid --begin specification` (exit 255, as the peer).

import { parseDateSpec } from '../../core/date-spec.ts';
import type { Setter } from './option-state.ts';
import { OPTION_EXIT, errorLine } from './option-state.ts';

function dateOption(field: 'begin' | 'deadline'): Setter {
  return (st, value) => {
    const text = value ?? '';
    const r = parseDateSpec(text, Math.floor(Date.now() / 1000), false);
    if (!r.ok || r.epoch === 0) {
      const pos = r.ok ? 0 : r.pos;
      return { code: OPTION_EXIT, stdout: '', stderr: `Invalid time specification (pos=${pos}): ${text}\n${errorLine(`Invalid --${field} specification`)}` };
    }
    st[field] = r.epoch;
    return null;
  };
}

export const beginOption = dateOption('begin');
export const deadlineOption = dateOption('deadline');
