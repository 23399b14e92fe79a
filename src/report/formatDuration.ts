/** 7 ms, 950 ms, 1.25 s, 36.0 s, 2.5 min, 1.00 h: short and comparable at a glance. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  // Units are chosen on the rounded figure, so 7 199 999.99 ms reads "2.00 h", not "120.0 min".
  const seconds = ms / 1000;
  if (Number(seconds.toFixed(1)) < 120) return `${seconds < 9.995 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
  const minutes = seconds / 60;
  if (Number(minutes.toFixed(1)) < 120) return `${minutes.toFixed(1)} min`;
  return `${(minutes / 60).toFixed(2)} h`;
}
