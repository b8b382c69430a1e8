#!/usr/bin/env bash
# Runs the Java compatibility suite (compat-tests/java) for each RocketMQ client version.
#
#   compat-tests/run.sh                          # 4.9.8 and 5.3.3, name server under test = tsmq
#   compat-tests/run.sh --versions "5.3.3"
#   compat-tests/run.sh --namesrv java           # prove the scenarios against the Java name server
#   compat-tests/run.sh --test NamesrvMqadminIT  # one scenario class (failsafe -Dit.test)
#
# Non-interactive (mvn -B -q, stdin from /dev/null). Fetches the Java peers from Maven Central first.
# Assumes the repository has been built (`npm run build` -> dist/cli.js) when the name server under test is tsmq.
# Prints the JUnit results per version and ends with exactly one line: "N passed, N failed"
# (JUnit test cases over all versions; a version whose build or peer download fails counts as at least 1 failed).
# Environment: NAMESRV_IMPL (default for --namesrv), COMPAT_MVN_ARGS (extra Maven arguments, also for the fetch).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAVA_DIR="$HERE/java"

versions="4.9.8 5.3.3"
impl="${NAMESRV_IMPL:-tsmq}"
it_test=""
while [ $# -gt 0 ]; do
  case "$1" in
    --versions) versions="$2"; shift 2 ;;
    --versions=*) versions="${1#*=}"; shift ;;
    --namesrv) impl="$2"; shift 2 ;;
    --namesrv=*) impl="${1#*=}"; shift ;;
    --test) it_test="$2"; shift 2 ;;
    --test=*) it_test="${1#*=}"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; echo "0 passed, 1 failed"; exit 2 ;;
  esac
done

total_pass=0
total_fail=0

# Sums tests/failures/errors/skipped over the TEST-*.xml files in the given directories.
attr() { # attr <name> <element text> -> the number, or 0
  local n
  n="$(printf '%s' "$2" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" | head -1)"
  echo "${n:-0}"
}
count_reports() {
  local t=0 f=0 e=0 s=0 file head
  for file in "$@"; do
    [ -f "$file" ] || continue
    head="$(tr '\n' ' ' <"$file" | grep -o '<testsuite [^>]*>' | head -1)"
    t=$((t + $(attr tests "$head")))
    f=$((f + $(attr failures "$head")))
    e=$((e + $(attr errors "$head")))
    s=$((s + $(attr skipped "$head")))
  done
  echo "$t $f $e $s"
}

print_reports() {
  local dir txt
  for dir in "$@"; do
    [ -d "$dir" ] || continue
    for txt in "$dir"/*.txt; do
      [ -f "$txt" ] || continue
      if grep -q 'FAILURE\|ERROR' "$txt"; then
        sed -n '1,80p' "$txt" | sed 's/^/    /'
      else
        grep -h 'Tests run:' "$txt" | sed 's/^/    /'
      fi
    done
  done
}

start_all=$(date +%s)
for v in $versions; do
  echo "=== RocketMQ $v (name server under test: $impl)"
  start_v=$(date +%s)
  target="$JAVA_DIR/target/rmq-$v"
  rm -rf "$target/surefire-reports" "$target/failsafe-reports"

  if ! "$HERE/java-peers.sh" fetch "$v" </dev/null; then
    echo "  FAILED: could not fetch the Java peers for $v"
    total_fail=$((total_fail + 1))
    continue
  fi

  mvn_args=(-B -q -Dstyle.color=never -f "$JAVA_DIR/pom.xml" verify
    "-Drocketmq.version=$v" "-Dnamesrv.impl=$impl" "-Dtsmq.home=$ROOT"
    -Dmaven.test.failure.ignore=true -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false)
  # extra Maven arguments, e.g. COMPAT_MVN_ARGS="-Dmaven.repo.local=/tmp/m2" (word-split on purpose)
  # shellcheck disable=SC2206
  mvn_args+=(${COMPAT_MVN_ARGS:-})
  if [ -n "$it_test" ]; then
    mvn_args+=("-Dit.test=$it_test")
  fi
  log="$JAVA_DIR/target/mvn-$v.log"
  mkdir -p "$JAVA_DIR/target"
  mvn "${mvn_args[@]}" </dev/null >"$log" 2>&1
  rc=$?

  read -r t f e s <<<"$(count_reports "$target"/surefire-reports/TEST-*.xml "$target"/failsafe-reports/TEST-*.xml)"
  failed=$((f + e))
  passed=$((t - f - e - s))
  print_reports "$target/surefire-reports" "$target/failsafe-reports"
  if [ "$rc" -ne 0 ] || [ "$t" -eq 0 ]; then
    echo "  BUILD FAILED for $v (mvn exit $rc, $t test results); last lines of $log:"
    grep -v '^\s*$' "$log" | tail -25 | sed 's/^/    /'
    [ "$failed" -lt 1 ] && failed=1
  fi
  echo "  $v: $passed passed, $failed failed, $s skipped in $(( $(date +%s) - start_v )) s"
  total_pass=$((total_pass + passed))
  total_fail=$((total_fail + failed))
done
echo "=== total time $(( $(date +%s) - start_all )) s"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
