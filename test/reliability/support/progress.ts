/** One line on stderr per step of a long scenario, so a slow or stuck run shows where it is. */
export function progress(line: string): void {
  process.stderr.write(`reliability: ${line}\n`);
}
