#!/usr/bin/env bash
# Runs the Java compatibility suite (compat-tests/java) for each RocketMQ client version.
#
#   compat-tests/run.sh                          # 4.9.8 and 5.3.3, name server under test = tsmq
#   compat-tests/run.sh --versions "5.3.3"
#   compat-tests/run.sh --namesrv java           # prove the scenarios against the Java name server
#   compat-tests/run.sh --test NamesrvMqadminIT  # one scenario class (failsafe -Dit.test)
#   compat-tests/run.sh --serialize JSON         # one client header serialization (default: "JSON ROCKETMQ")
#   compat-tests/run.sh --broker java            # prove the broker scenarios against the Java broker
#   compat-tests/run.sh --cluster host:9876      # ExternalClusterIT against a running cluster (starts nothing)
#
# Every scenario runs once per client header serialization (rocketmq.serialize.type, a JVM per type: the failsafe
# executions it-json and it-rocketmq).
# Non-interactive (mvn -B -q, stdin from /dev/null). Fetches the Java peers from Maven Central first.
# Assumes the repository has been built (`npm run build` -> dist/cli.js) when the name server under test is tsmq.
# Prints the JUnit results per (version, serialization) and ends with exactly one line: "N passed, N failed"
# (JUnit test cases over all versions and serializations; a version whose build or peer download fails counts as at
# least 1 failed).
# Environment: NAMESRV_IMPL (default for --namesrv), BROKER_IMPL (default for --broker), COMPAT_MVN_ARGS (extra Maven
# arguments).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAVA_DIR="$HERE/java"

versions="4.9.8 5.3.3"
impl="${NAMESRV_IMPL:-tsmq}"
broker_impl="${BROKER_IMPL:-tsmq}"
serializations="JSON ROCKETMQ"
it_test=""
cluster=""
while [ $# -gt 0 ]; do
  case "$1" in
    --versions) versions="$2"; shift 2 ;;
    --versions=*) versions="${1#*=}"; shift ;;
    --namesrv) impl="$2"; shift 2 ;;
    --namesrv=*) impl="${1#*=}"; shift ;;
    --test) it_test="$2"; shift 2 ;;
    --test=*) it_test="${1#*=}"; shift ;;
    --serialize) serializations="$2"; shift 2 ;;
    --serialize=*) serializations="${1#*=}"; shift ;;
    --broker) broker_impl="$2"; shift 2 ;;
    --broker=*) broker_impl="${1#*=}"; shift ;;
    --cluster) cluster="$2"; shift 2 ;;
    --cluster=*) cluster="${1#*=}"; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; echo "0 passed, 1 failed"; exit 2 ;;
  esac
done

skip_json=true
skip_rocketmq=true
for ser in $serializations; do
  case "$ser" in
    JSON|json) skip_json=false ;;
    ROCKETMQ|rocketmq) skip_rocketmq=false ;;
    *) echo "run.sh: --serialize takes JSON and/or ROCKETMQ, not $ser" >&2; echo "0 passed, 1 failed"; exit 2 ;;
  esac
done

total_pass=0
total_fail=0
summary=()

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

# Seconds spent in the test classes of the given report files (the testsuite time attributes), rounded.
sum_time() {
  local file
  for file in "$@"; do
    [ -f "$file" ] || continue
    tr '\n' ' ' <"$file" | grep -o '<testsuite [^>]*>' | head -1 | sed -n 's/.* time="\([0-9.]*\)".*/\1/p'
  done | awk '{ s += $1 } END { printf "%d", s + 0.5 }'
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
  if [ -n "$cluster" ]; then
    echo "=== RocketMQ $v (cluster at $cluster, serializations: $serializations)"
  else
    echo "=== RocketMQ $v (name server under test: $impl, broker under test: $broker_impl, serializations: $serializations)"
  fi
  start_v=$(date +%s)
  target="$JAVA_DIR/target/rmq-$v"
  rm -rf "$target/surefire-reports" "$target/failsafe-reports" "$target/failsafe-reports-json" \
    "$target/failsafe-reports-rocketmq"

  # Against a given cluster nothing is started, so the Java peers are not needed.
  if [ -z "$cluster" ] && ! "$HERE/java-peers.sh" fetch "$v" </dev/null; then
    echo "  FAILED: could not fetch the Java peers for $v"
    total_fail=$((total_fail + 1))
    continue
  fi

  mvn_args=(-B -q -Dstyle.color=never -f "$JAVA_DIR/pom.xml" verify
    "-Drocketmq.version=$v" "-Dnamesrv.impl=$impl" "-Dbroker.impl=$broker_impl" "-Dtsmq.home=$ROOT"
    "-Dcompat.skip.json=$skip_json" "-Dcompat.skip.rocketmq=$skip_rocketmq"
    -Dmaven.test.failure.ignore=true -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false)
  # extra Maven arguments, e.g. COMPAT_MVN_ARGS="-Dmaven.repo.local=/tmp/m2" (word-split on purpose)
  # shellcheck disable=SC2206
  mvn_args+=(${COMPAT_MVN_ARGS:-})
  if [ -n "$cluster" ]; then
    mvn_args+=("-Dcompat.cluster=$cluster")
    [ -n "$it_test" ] || it_test="ExternalClusterIT"
  fi
  if [ -n "$it_test" ]; then
    mvn_args+=("-Dit.test=$it_test")
  fi
  log="$JAVA_DIR/target/mvn-$v.log"
  mkdir -p "$JAVA_DIR/target"
  mvn "${mvn_args[@]}" </dev/null >"$log" 2>&1
  rc=$?

  v_fail=0
  v_total=0
  for part in unit json rocketmq; do
    case "$part" in
      unit) dir="$target/surefire-reports"; label="$v unit tests (golden frames)" ;;
      json) [ "$skip_json" = true ] && continue; dir="$target/failsafe-reports-json"; label="$v JSON" ;;
      rocketmq) [ "$skip_rocketmq" = true ] && continue; dir="$target/failsafe-reports-rocketmq"; label="$v ROCKETMQ" ;;
    esac
    read -r t f e s <<<"$(count_reports "$dir"/TEST-*.xml)"
    failed=$((f + e))
    passed=$((t - f - e - s))
    echo "  --- $label"
    print_reports "$dir"
    if [ "$part" != unit ] && [ "$t" -eq 0 ]; then
      failed=$((failed + 1)) # no scenario results at all for this serialization
    fi
    summary+=("$(printf '%-34s %4d passed, %d failed, %d skipped, %4d s in tests' "$label:" "$passed" "$failed" "$s" \
      "$(sum_time "$dir"/TEST-*.xml)")")
    total_pass=$((total_pass + passed))
    total_fail=$((total_fail + failed))
    v_fail=$((v_fail + failed))
    v_total=$((v_total + t))
  done
  if [ "$rc" -ne 0 ] || [ "$v_total" -eq 0 ]; then
    echo "  BUILD FAILED for $v (mvn exit $rc, $v_total test results); last lines of $log:"
    grep -v '^\s*$' "$log" | tail -25 | sed 's/^/    /'
    if [ "$v_fail" -lt 1 ]; then
      total_fail=$((total_fail + 1))
      summary+=("$v: BUILD FAILED (mvn exit $rc)")
    fi
  fi
  echo "  $v done in $(( $(date +%s) - start_v )) s"
done
echo "=== summary (name server under test: $impl, broker under test: $broker_impl)"
for line in "${summary[@]}"; do
  echo "  $line"
done
echo "=== total time $(( $(date +%s) - start_all )) s"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
