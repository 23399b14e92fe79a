/** What `unflake/reporter` exports besides the reporters: the run report's types and the tools that read it. */
export { classifyFailure, parseFingerprint } from '../src/flakes/evidence.ts';
export { readRunReport, readHistory, writeHistory } from '../src/flakes/history.ts';
export { mergeReports, groupRuns } from '../src/flakes/merge.ts';
export { flakeWindow } from '../src/flakes/window.ts';
export { openHistory } from '../src/flakes/store.ts';
export type { HistoryStore, HistoryWindow, WindowQuery } from '../src/flakes/storeTypes.ts';
export { toJUnit } from '../src/flakes/junit.ts';
export { toHtml } from '../src/flakes/html.ts';
export { formatWindow } from '../src/flakes/terminal.ts';
export type { FlakeReporterOptions } from './options.ts';
export type {
  RunReport,
  TestRecord,
  AttemptFailure,
  FlakeCategory,
  Fingerprint,
  RunInfo,
  TestStatus,
  SuiteError,
  ShardRef,
  QuarantineMark,
  Totals,
  AttemptSpan,
} from '../src/flakes/schema.ts';
export type { JUnitOptions } from '../src/flakes/junit.ts';
export type { FlakeWindow, TestWindow, AcrossRuns } from '../src/flakes/window.ts';
export type { Evidence, RunSummary, DayRate, WindowOptions } from '../src/flakes/windowTypes.ts';
export type { HistoryRead } from '../src/flakes/history.ts';
export type { QuarantineEntry } from '../src/flakes/quarantine.ts';
