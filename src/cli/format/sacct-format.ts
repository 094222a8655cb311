// Rendering sacct rows: fixed-width columns (header, dash line, one space after every
// column including the last), or parsable `-p` (`a|b|c|`) / `-P` (`a|b|c`) with an
// optional `--delimiter`; `-n` drops the header.

import { sacctCell, sacctHeaderCell } from './field-width.ts';
import type { SacctField } from './sacct-fields.ts';
import type { SacctRow } from './sacct-rows.ts';
import type { SacctContext } from './sacct-values.ts';
import { sacctValue } from './sacct-values.ts';

export interface SacctRenderOptions extends SacctContext {
  readonly fields: readonly SacctField[];
  /** `-p` = 'ending' (delimiter after every field), `-P` = 'no-ending', else fixed width. */
  readonly parsable: 'none' | 'ending' | 'no-ending';
  /** `--delimiter` (only used when parsable); default `|`. */
  readonly delimiter?: string | null;
  /** false with `-n/--noheader`. */
  readonly header: boolean;
}

/** Dates are formatted into a buffer of the column's size, so they are cut in every mode. */
function cellText(field: SacctField, row: SacctRow, ctx: SacctContext): string | null {
  const v = sacctValue(field.name, row, ctx);
  if (v === null || field.kind !== 'date') return v;
  return v.slice(0, Math.abs(field.width));
}

function parsableLine(values: readonly string[], opts: SacctRenderOptions): string {
  const sep = opts.delimiter ?? '|';
  const body = values.join(sep);
  return opts.parsable === 'ending' ? `${body}${sep}\n` : `${body}\n`;
}

export function renderSacct(rows: readonly SacctRow[], opts: SacctRenderOptions): string {
  const fixed = opts.parsable === 'none';
  let out = '';
  if (opts.header) {
    if (fixed) {
      out += `${opts.fields.map((f) => sacctHeaderCell(f.name, f.width)).join('')}\n`;
      out += `${opts.fields.map((f) => `${'-'.repeat(Math.abs(f.width))} `).join('')}\n`;
    } else {
      out += parsableLine(opts.fields.map((f) => f.name), opts);
    }
  }
  for (const row of rows) {
    if (fixed) {
      out += `${opts.fields.map((f) => sacctCell(cellText(f, row, opts), f.width, f.kind)).join('')}\n`;
    } else {
      out += parsableLine(opts.fields.map((f) => cellText(f, row, opts) ?? ''), opts);
    }
  }
  return out;
}
