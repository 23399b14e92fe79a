#!/usr/bin/env bash
# Consumer smoke tests: pack unflake, install the tarball into throwaway copies of the consumer
# projects kept next to this script, and check types + real runs against each runner.
#
#   npm run test:consumers                  # all consumers (from the repo root; needs dist/, see `npm run build`)
#   bash test/consumers/run.sh jest29 vitest5   # a subset
#   CONSUMERS_JOBS=1 bash test/consumers/run.sh # one consumer at a time (default 2)
#   KEEP_CONSUMERS=1 bash test/consumers/run.sh # keep the temp dirs for inspection
#
# Each consumer dir holds a package.json whose scripts are the contract used here:
#   types      tsc --noEmit on files that must type-check
#   types:bad  tsc --noEmit on files with a misspelt matcher and an unknown option (must fail with
#              TS2551|TS2339 and TS2353|TS2561)
#   test:pass  the runner on tests that must pass
#   test:fail  the runner on a deliberately failing test (must exit non-zero and print the report)
#   test:matrix  (optional) the runner matrix cells on this runner version, judged by the consumer
#              itself (must exit 0); UNFLAKE_REPO points at the repo for the shared fixtures
# Scripts run through `npm run`, so a consumer with a node@24 devDependency runs on Node 24.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jobs="${CONSUMERS_JOBS:-2}"

all_consumers=(vitest5 vitest4 jest30 jest29 node-test mocha playwright)
if (($# > 0)); then consumers=("$@"); else consumers=("${all_consumers[@]}"); fi
for c in "${consumers[@]}"; do
  [[ -f "$here/$c/package.json" ]] || { echo "run.sh: unknown consumer '$c' (no $here/$c/package.json)" >&2; exit 2; }
done

for f in index.js index.cjs index.d.ts vitest.js vitest.d.ts jest.cjs jest.d.cts matchers.js matchers.cjs; do
  if [[ ! -f "$repo/dist/$f" ]]; then
    echo "run.sh: $repo/dist/$f is missing - run \`npm run build\` first (\`npm test\` builds before this step)." >&2
    echo "FAIL build: dist/$f is missing (run \`npm run build\`)"
    echo "consumers: 0 passed, 1 failed"
    exit 2
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/unflake-consumers.XXXXXX")"
cleanup() {
  # Each consumer runs in its own process group (set -m below): stop the whole group, npm included,
  # before deleting the directories it writes to.
  local pid
  for pid in $(jobs -pr); do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -n "${KEEP_CONSUMERS:-}" ]]; then echo "(kept $work)"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Never let a CI-wide FORCE_COLOR/engine-strict setting change what we grep for or how npm installs.
export NO_COLOR=1
unset FORCE_COLOR
export npm_config_engine_strict=false npm_config_update_notifier=false
# Under `npm run test:consumers` npm prepends the repo's node_modules/.bin (whose `node` is the repo's
# node@24) to PATH and exports npm_package_*/npm_lifecycle_* for the repo. Drop both so each consumer
# runs on the Node its own devDependencies choose (system Node unless it depends on node@24).
PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)"
export PATH
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|npm_command$|INIT_CWD$)' || true)
echo "system node $(node -v), npm $(npm -v 2>/dev/null)"

# 1. Pack.
t0=$SECONDS
if ! (cd "$repo" && npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1); then
  cat "$work/pack.log" >&2
  echo "FAIL pack: npm pack failed"
  echo "consumers: 0 passed, 1 failed"
  exit 1
fi
tarball="$(ls "$work"/unflake-*.tgz 2>/dev/null | head -n1)"
[[ -n "$tarball" ]] || { cat "$work/pack.log" >&2; echo "FAIL pack: no tarball in $work"; echo "consumers: 0 passed, 1 failed"; exit 1; }
echo "packed $(basename "$tarball") ($((SECONDS - t0))s)"

strip_ansi() { sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g'; }

# run_consumer NAME: writes "PASS|FAIL NAME: check (detail)" lines to $work/NAME.results and the
# raw output of every step to $work/NAME.log. Never aborts: each check records its own verdict.
run_consumer() {
  local name="$1" dir="$work/$1" results="$work/$1.results" log="$work/$1.log"
  : >"$results"; : >"$log"
  local step_out="$work/$name.step" t rc

  record() { echo "$1 $name: $2" >>"$results"; }
  # step LABEL CMD...: runs CMD in the consumer dir, output to $step_out (ANSI stripped) and the log.
  step() {
    local label="$1"; shift
    t=$SECONDS
    set +e
    (cd "$dir" && "$@") 2>&1 | strip_ansi >"$step_out"
    rc=${PIPESTATUS[0]}
    set -e
    { echo "===== $name: $label (exit $rc, $((SECONDS - t))s) ====="; cat "$step_out"; } >>"$log"
  }
  # show_tail: the last lines of the step's output, indented, for a FAIL line's context.
  show_tail() { tail -n "${1:-25}" "$step_out" | sed 's/^/      | /' >>"$results"; }

  mkdir -p "$dir"
  (cd "$here/$name" && tar --exclude=node_modules --exclude=package-lock.json -cf - .) | (cd "$dir" && tar -xf -)

  step install npm install --no-audit --no-fund --loglevel=error "$tarball"
  if ((rc != 0)); then
    record FAIL "install (exit $rc, $((SECONDS - t))s)"; show_tail 30
    for c in types types:bad test:pass test:fail; do record FAIL "$c (skipped: install failed)"; done
    return 0
  fi
  local nodev; nodev="$(cd "$dir" && npm run -s node-version 2>/dev/null || echo '?')"
  record PASS "install ($((SECONDS - t))s, runner node $nodev)"

  # (a) types that must pass
  step types npm run -s types
  if ((rc == 0)); then record PASS "types: tsc --noEmit on valid usage ($((SECONDS - t))s)"
  else record FAIL "types: tsc --noEmit on valid usage exited $rc"; show_tail; fi

  # (b) types that must fail, with the right errors on the right lines
  step types:bad npm run -s types:bad
  local problems=() bad_files f
  bad_files="$(cd "$dir" && node -e 'const c=require("./tsconfig.bad.json");console.log((c.include||[]).join("\n"))')"
  ((rc != 0)) || problems+=("tsc exited 0")
  for f in $bad_files; do
    grep -Eq "^$f\([0-9]+,[0-9]+\): error (TS2551|TS2339): Property 'toEventualyEqual' does not exist" "$step_out" \
      || problems+=("$f: no TS2551/TS2339 for 'toEventualyEqual'")
    grep -Eq "^$f\([0-9]+,[0-9]+\): error (TS2353|TS2561): .*'timeoutMs'" "$step_out" \
      || problems+=("$f: no TS2353/TS2561 for 'timeoutMs'")
  done
  local unexpected
  unexpected="$(grep -E 'error TS[0-9]+' "$step_out" | grep -Ev "error (TS2551|TS2339): Property 'toEventualyEqual'|error (TS2353|TS2561): .*'timeoutMs'" || true)"
  [[ -z "$unexpected" ]] || problems+=("unexpected errors: $(echo "$unexpected" | head -n3 | tr '\n' ' ')")
  if ((${#problems[@]} == 0)); then
    record PASS "types:bad: misspelt matcher -> $(grep -Eo 'TS2551|TS2339' "$step_out" | sort -u | tr '\n' '/' | sed 's#/$##'), unknown option -> $(grep -Eo 'TS2353|TS2561' "$step_out" | sort -u | tr '\n' '/' | sed 's#/$##') ($((SECONDS - t))s)"
  else
    record FAIL "types:bad: $(IFS='; '; echo "${problems[*]}")"; show_tail
  fi

  # (c) passing tests
  step test:pass npm run -s test:pass
  if ((rc == 0)); then record PASS "test:pass: runner exit 0 ($((SECONDS - t))s)"
  else record FAIL "test:pass: runner exited $rc"; show_tail 40; fi

  # (d) a failing test: non-zero exit and a useful report
  step test:fail npm run -s test:fail
  problems=()
  ((rc != 0)) || problems+=("runner exited 0")
  local needle
  for needle in 'toEventuallyEqual' 'Timed out after' 'Timeline (' '"shipped"' '"pending"'; do
    grep -qF -- "$needle" "$step_out" || problems+=("output lacks '$needle'")
  done
  # A consumer's own must-match lines (e.g. the verdicts of its test.concurrent pair), one regex a line.
  local pattern
  if [[ -f "$dir/test/fail.expect" ]]; then
    while IFS= read -r pattern; do
      [[ -z "$pattern" || "$pattern" == \#* ]] && continue
      grep -Eq -- "$pattern" "$step_out" || problems+=("output matches no /$pattern/ (test/fail.expect)")
    done <"$dir/test/fail.expect"
  fi
  # A consumer may name more lines its failure must show, one per line, in fail-needles.txt.
  if [[ -f "$dir/fail-needles.txt" ]]; then
    while IFS= read -r needle; do
      [[ -z "$needle" ]] || grep -qF -- "$needle" "$step_out" || problems+=("output lacks '$needle'")
    done <"$dir/fail-needles.txt"
  fi
  if ((${#problems[@]} == 0)); then record PASS "test:fail: runner exit $rc, report has matcher, 'Timed out after', 'Timeline (', expected/received ($((SECONDS - t))s)"
  else record FAIL "test:fail: $(IFS='; '; echo "${problems[*]}")"; show_tail 40; fi

  # (e) the runner matrix's cells on this runner version (jest29: docs/runners-jest.partial.md)
  if (cd "$dir" && node -e 'process.exit(require("./package.json").scripts["test:matrix"] ? 0 : 1)'); then
    step test:matrix env UNFLAKE_REPO="$repo" npm run -s test:matrix
    if ((rc == 0)); then record PASS "test:matrix: $(grep -c '^PASS' "$step_out") runs, every cell as expected.json says ($((SECONDS - t))s)"
    else record FAIL "test:matrix: exited $rc"; show_tail 40; fi
  fi
}

# 2. Run the consumers, $jobs at a time; print each one's verdicts as it finishes.
total_start=$SECONDS
passed=0 failed=0
report() {
  local name="$1" line
  while IFS= read -r line; do
    echo "$line"
    case "$line" in PASS\ *) passed=$((passed + 1)) ;; FAIL\ *) failed=$((failed + 1)) ;; esac
  done <"$work/$name.results"
  if grep -q '^FAIL ' "$work/$name.results"; then
    if [[ -n "${KEEP_CONSUMERS:-}" ]]; then echo "      (full log: $work/$name.log)"; else echo "      (rerun with KEEP_CONSUMERS=1 to keep the full log and the project)"; fi
  fi
}

set -m # background jobs get their own process group, so cleanup can stop npm & co. with them
declare -A pid_of=()
pending=("${consumers[@]}")
running=()
while ((${#pending[@]} > 0 || ${#running[@]} > 0)); do
  while ((${#pending[@]} > 0 && ${#running[@]} < jobs)); do
    name="${pending[0]}"; pending=("${pending[@]:1}")
    echo "... $name: installing and checking"
    ( run_consumer "$name" ) &
    pid_of[$name]=$!
    running+=("$name")
  done
  wait -n || true
  still=()
  for name in "${running[@]}"; do
    if kill -0 "${pid_of[$name]}" 2>/dev/null; then still+=("$name"); else
      wait "${pid_of[$name]}" || echo "FAIL $name: internal error in run.sh" >>"$work/$name.results"
      report "$name"
    fi
  done
  running=("${still[@]+"${still[@]}"}")
done

echo "(total $((SECONDS - total_start))s)"
echo "consumers: $passed passed, $failed failed"
((failed == 0))
