/**
 * JUnit XML for CI systems, with Maven Surefire's rerun convention (which GitLab, Jenkins and
 * Buildkite read): a test that passed on a retry carries one `<flakyFailure>` per failed attempt, a
 * test that failed every attempt carries `<failure>` and then `<rerunFailure>`s. A quarantined
 * failure is `<skipped>` with the quarantine and the failure in its message, so CI shows it without
 * failing on it.
 */
import { headline } from './evidence.ts';
import { testId, type AttemptFailure, type RunReport, type TestRecord } from './schema.ts';

const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export const escapeXml = (text: string): string => text.replace(INVALID_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);

const attr = (name: string, value: string | number): string => ` ${name}="${escapeXml(String(value))}"`;
const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);
const firstLine = (text: string): string => headline(text, 300);

/** The error's type as CI shows it: `AssertionError` from `AssertionError: …`, else `Error`. */
function errorType(message: string): string {
  return /^([A-Z][\w.$]*(?:Error|Exception))\b/.exec(message)?.[1] ?? 'Error';
}

function body(failure: AttemptFailure): string {
  const run = failure.fingerprint
    ? `\n\nRun: ${Object.entries(failure.fingerprint)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ')}`
    : '';
  return escapeXml(`${failure.message}${run}`);
}

function element(tag: 'failure' | 'rerunFailure' | 'flakyFailure', failure: AttemptFailure): string {
  const open = `<${tag}${attr('message', firstLine(failure.message))}${attr('type', errorType(failure.message))}>`;
  // Surefire puts a rerun's trace in <stackTrace>; the first <failure> holds it as text.
  return tag === 'failure' ? `${open}${body(failure)}</failure>` : `${open}<stackTrace>${body(failure)}</stackTrace></${tag}>`;
}

function properties(t: TestRecord): string {
  const props: [string, string][] = [];
  const first = t.failures?.[0];
  if (first) props.push(['unflake.category', first.category]);
  if (first?.fingerprint?.trace) props.push(['unflake.trace', first.fingerprint.trace]);
  if (t.attempts && t.attempts > 1) props.push(['unflake.attempts', String(t.attempts)]);
  if (t.quarantined) props.push(['unflake.quarantined', `until ${t.quarantined.until} (${t.quarantined.owner}): ${t.quarantined.reason}`]);
  return props.length ? `<properties>${props.map(([n, v]) => `<property${attr('name', n)}${attr('value', v)}/>`).join('')}</properties>` : '';
}

function testcase(t: TestRecord): string {
  const failures = t.failures ?? [];
  const inner: string[] = [properties(t)];
  if (t.status === 'skipped') inner.push('<skipped/>');
  else if (t.status === 'failed' && t.quarantined) {
    const q = t.quarantined;
    inner.push(`<skipped${attr('message', `quarantined until ${q.until} (${q.owner}: ${q.reason}); failed: ${firstLine(failures[0]?.message ?? '')}`)}/>`);
    if (failures[0]) inner.push(`<system-err>${body(failures[0])}</system-err>`);
  } else if (t.status === 'failed') {
    const [first, ...reruns] = failures.length ? failures : [{ message: 'failed (the runner kept no message)', category: 'unknown' as const }];
    inner.push(element('failure', first!), ...reruns.map((f) => element('rerunFailure', f)));
  } else if (t.status === 'flaky') inner.push(...failures.map((f) => element('flakyFailure', f)));
  const content = inner.join('');
  const open = `<testcase${attr('name', t.name)}${attr('classname', t.file)}${attr('time', seconds(t.durationMs))}`;
  return content ? `${open}>${content}</testcase>` : `${open}/>`;
}

function counts(tests: readonly TestRecord[]): { tests: number; failures: number; skipped: number; time: string } {
  let failures = 0;
  let skipped = 0;
  let ms = 0;
  for (const t of tests) {
    ms += t.durationMs ?? 0;
    if (t.status === 'skipped' || (t.status === 'failed' && t.quarantined)) skipped++;
    else if (t.status === 'failed') failures++;
  }
  return { tests: tests.length, failures, skipped, time: seconds(ms) };
}

function suiteAttrs(c: ReturnType<typeof counts>): string {
  return `${attr('tests', c.tests)}${attr('failures', c.failures)}${attr('errors', 0)}${attr('skipped', c.skipped)}${attr('time', c.time)}`;
}

/** The run as a JUnit XML document: one `<testsuite>` per test file. */
export function toJUnit(report: RunReport): string {
  const files = new Map<string, TestRecord[]>();
  for (const t of [...report.tests].sort((a, b) => testId(a).localeCompare(testId(b)))) {
    const list = files.get(t.file);
    if (list) list.push(t);
    else files.set(t.file, [t]);
  }
  const suites = [...files].map(
    ([file, tests]) =>
      `  <testsuite${attr('name', file)}${suiteAttrs(counts(tests))}${attr('timestamp', report.run.finishedAt)}>\n${tests.map((t) => `    ${testcase(t)}`).join('\n')}\n  </testsuite>`,
  );
  const name = `unflake ${report.runner} run ${report.run.id}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr('name', name)}${suiteAttrs(counts(report.tests))}>\n${suites.join('\n')}\n</testsuites>\n`;
}
