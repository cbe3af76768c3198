// Times in words, one way for the CLI, the reports and the webview: µs in, text out (no Node, no DOM, so the
// webview imports it as it is). `fmtUs` is the short form the findings and verdicts use; `fmtUsFine` keeps three
// decimals, for a time read off the timeline.

/** 850 µs, 370.8 ms, 2.043 s */
export function fmtUs(us: number): string {
  if (us < 1000) return `${us} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1e6).toFixed(3)} s`;
}

/** 0 s, 12.5 µs, 370.833 ms, 2.043 s: trailing zeros dropped */
export function fmtUsFine(us: number): string {
  if (us === 0) return '0 s';
  const a = Math.abs(us);
  if (a < 1000) return `${+us.toFixed(1)} µs`;
  if (a < 1e6) return `${+(us / 1000).toFixed(3)} ms`;
  return `${+(us / 1e6).toFixed(3)} s`;
}
