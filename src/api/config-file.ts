// Reading ratchet.conf from disk for any process: the file's text through the pure parser,
// with an unreadable file reported the same way as a bad value (a message to print).

import { readFileSync } from 'node:fs';
import { parseConfig } from '../core/config.ts';
import type { ConfigWarning, RatchetConfig } from '../core/config-model.ts';

export type LoadedConfig =
  | { ok: true; config: RatchetConfig; warnings: ConfigWarning[] }
  | { ok: false; error: string; unreadable: boolean };

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, error: `cannot read ${file}: ${(e as Error).message}`, unreadable: true };
  }
  const parsed = parseConfig(text, file);
  return parsed.ok ? parsed : { ...parsed, unreadable: false };
}
