import { readFileSync, readdirSync } from 'node:fs';

/** Resident memory of a process from /proc/<pid>/status, in MB (Linux only; null elsewhere). */
export function memoryOf(pid: number): { peakMb: number; currentMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) : 0;
    };
    // VmHWM is the kernel's own high-water mark of VmRSS: no sample can miss the peak.
    return { peakMb: round1(kb('VmHWM') / 1024), currentMb: round1(kb('VmRSS') / 1024) };
  } catch {
    return null;
  }
}

/** Children of `parent` whose command name is `name` (e.g. the kcat mock cluster we started). */
export function childrenNamed(parent: number, name: string): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (comm === name && ppid === parent) found.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
