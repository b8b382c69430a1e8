#!/usr/bin/env bash
# Self-test of store-tool.sh against the real rocketmq-store jars.
#
#   compat-tests/java-store/selftest.sh              # 4.9.8 and 5.3.3
#   compat-tests/java-store/selftest.sh 5.3.3        # one version
#
# For each version:
#   1. write a store (51 records: 31 single sends, 4 batches of 5; 2 topics x 2 queues + an IPv6 topic;
#      keys, tags incl. non-ASCII and negative hashes, user properties, a non-ASCII body, an empty body,
#      a 200 KB body and 300 KB bodies so the 1 MiB CommitLog files roll and end with BLANK records;
#      10-unit ConsumeQueue files so CQ files roll too), clean shutdown
#   2. dump it and check counts, queue offsets, CommitLog offsets, sizes, bodies, CRCs, tagsCodes,
#      properties (version rules) and msgIds against what the write reported (selftest.py check)
#   3. query keys through the IndexFile (unique key, shared key, batch key, non-ASCII key, batch UNIQ_KEY)
#   4. write the same spec with "crash":true (no shutdown: abort file stays), run verify-abnormal and
#      check that Java's abnormal recovery truncated nothing and every record is still there
# Work files: target/selftest/<version>/ (kept for inspection). Exit code 0 = all checks passed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOL="$HERE/store-tool.sh"
PY="${PYTHON:-python3}"
versions="${*:-4.9.8 5.3.3}"
rc=0

for v in $versions; do
  W="$HERE/target/selftest/$v"
  rm -rf "$W"; mkdir -p "$W"
  echo "== rocketmq-store $v  (work dir $W)"
  t0=$(date +%s.%N)
  "$TOOL" "$v" build 2>"$W/build.log" || { cat "$W/build.log" >&2; exit 1; }
  t1=$(date +%s.%N)

  "$PY" "$HERE/selftest.py" spec "$W/spec.json"
  "$PY" "$HERE/selftest.py" spec "$W/spec-crash.json" --crash

  step() { # step <name> <cmd...>: run, time it, keep stdout/stderr
    local name="$1"; shift
    local s e; s=$(date +%s.%N)
    if ! "$@" >"$W/$name.jsonl" 2>"$W/$name.log"; then
      echo "FAIL: $name exited non-zero; last log lines:"; tail -5 "$W/$name.log"; rc=1
    fi
    e=$(date +%s.%N)
    printf '   %-26s %5.1fs  %s lines\n' "$name" "$(echo "$e - $s" | bc)" "$(wc -l <"$W/$name.jsonl")"
  }

  step write "$TOOL" "$v" write "$W/store" "$W/spec.json"
  step dump  "$TOOL" "$v" dump  "$W/store"
  "$PY" "$HERE/selftest.py" check "$v" "$W/spec.json" "$W/write.jsonl" "$W/dump.jsonl" || rc=1

  # queries: key, expected count on this version
  batch_item_uk=$(printf '0B0B0B0B%024X' 200)   # UNIQ_KEY of batch #1 item 0 (its batch has no explicit header)
  if [[ "$v" == 5.* ]]; then uk_expect=0; else uk_expect=1; fi
  batch_topic=""; batch1_uk=""
  # 5.x: the client-side batch UNIQ_KEY that the tool generated for the first batch without explicit header
  read -r batch_topic batch1_uk < <(jq -r 'select(.batchUniqKey != null) | "\(.topic) \(.batchUniqKey)"' "$W/write.jsonl" | head -1) || true
  i=0
  while read -r topic key expect; do
    i=$((i + 1))
    step "query$i" "$TOOL" "$v" query "$W/store" "$topic" "$key"
    "$PY" "$HERE/selftest.py" query "$v" "$W/spec.json" "$W/write.jsonl" "$W/query$i.jsonl" "$key" "$expect" || rc=1
  done <<EOF
TopicB key-17 1
TopicA shared-TopicA 15
TopicA bkey-302 1
TopicB ключ-5 1
TopicB $batch_item_uk $uk_expect
EOF
  if [ -n "$batch1_uk" ]; then
    step "query-batch-uniq" "$TOOL" "$v" query "$W/store" "$batch_topic" "$batch1_uk"
    "$PY" "$HERE/selftest.py" query "$v" "$W/spec.json" "$W/write.jsonl" "$W/query-batch-uniq.jsonl" "$batch1_uk" 5 || rc=1
  fi

  step write-crash     "$TOOL" "$v" write "$W/crashed" "$W/spec-crash.json"
  ls -1 "$W/crashed" >"$W/crashed-files-before-verify.txt"
  step verify-abnormal "$TOOL" "$v" verify-abnormal "$W/crashed"
  "$PY" "$HERE/selftest.py" check "$v" "$W/spec-crash.json" "$W/write-crash.jsonl" "$W/verify-abnormal.jsonl" --abnormal || rc=1

  echo "   first CommitLog record:"
  "$PY" "$HERE/selftest.py" first-record "$W/store"
  t2=$(date +%s.%N)
  printf '   build/up-to-date check %.1fs, tests %.1fs\n' "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"
done

if [ $rc -eq 0 ]; then echo "selftest: all checks passed ($versions)"; else echo "selftest: FAILURES"; fi
exit $rc
