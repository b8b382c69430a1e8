#!/usr/bin/env bash
# Regenerates the SQL92 filter vectors: cases.json (generate-cases.js) and, for each RocketMQ version, Java's
# answers in expected-<version>.json (Sql92Oracle over the real org.apache.rocketmq:rocketmq-filter).
#   compat-tests/sql92/generate.sh                  # 4.9.8 and 5.3.3
#   compat-tests/sql92/generate.sh 5.3.3            # one version
#   compat-tests/sql92/generate.sh --check [vers]   # regenerate into a temp dir and diff with the committed files
# Needs JDK 17, Maven and Node. rocketmq-filter 4.9.8 is not on Maven Central; its source is identical to 4.9.7
# (only filter/pom.xml's version differs between the rocketmq-all-4.9.7 and -4.9.8 tags), so 4.9.8 is answered
# by the 4.9.7 artifact.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=write
if [ "${1:-}" = "--check" ]; then mode=check; shift; fi
versions="${*:-4.9.8 5.3.3}"
out="$HERE"
if [ "$mode" = check ]; then out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT; fi

node "$HERE/generate-cases.js" > "$out/cases.json"
for v in $versions; do
  case "$v" in
    4.9.8) artifact=4.9.7 ;;
    *) artifact="$v" ;;
  esac
  echo "== SQL92 answers of rocketmq-filter $artifact for RocketMQ $v"
  ( cd "$HERE" && mvn -B -q -Dstyle.color=never ${COMPAT_MVN_ARGS:-} package \
      -Drocketmq.version="$v" -Drocketmq.filter.version="$artifact" </dev/null )
  java -cp "$HERE/target/lib-$v/*" io.tsmq.compat.sql92.Sql92Oracle "$out/cases.json" "$out/expected-$v.json" "$v"
done

if [ "$mode" = check ]; then
  status=0
  for f in cases.json $(for v in $versions; do echo "expected-$v.json"; done); do
    if ! diff -q "$HERE/$f" "$out/$f" >/dev/null; then echo "DIFFERS: $f"; status=1; else echo "same: $f"; fi
  done
  exit $status
fi

# Where the versions answer differently (tsmq follows 5.3.3; see src/broker/filter/sql92/README.md).
if [ -f "$HERE/expected-4.9.8.json" ] && [ -f "$HERE/expected-5.3.3.json" ]; then
  node -e '
    const [c, a, b] = process.argv.slice(1).map((f) => require(f));
    const byId = (r) => new Map(r.results.map((x) => [x.id, x]));
    const A = byId(a), B = byId(b);
    const key = (x) => x.parse === "ok" ? x.raw : "parse error";
    const d = c.cases.filter((k) => key(A.get(k.id)) !== key(B.get(k.id)));
    console.log(`4.9.8 and 5.3.3 differ on ${d.length} of ${c.cases.length} cases`);
    for (const k of d) console.log(`  ${k.id}  ${JSON.stringify(k.expression)}  4.9.8: ${key(A.get(k.id))}  5.3.3: ${key(B.get(k.id))}`);
  ' "$HERE/cases.json" "$HERE/expected-4.9.8.json" "$HERE/expected-5.3.3.json"
fi
