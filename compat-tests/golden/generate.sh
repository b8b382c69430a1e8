#!/usr/bin/env bash
# Regenerates the golden RocketMQ wire frames in this directory with the real Java RemotingCommand.
#   compat-tests/golden/generate.sh                 # 4.9.8 and 5.3.3
#   compat-tests/golden/generate.sh 4.9.8           # one version
#   compat-tests/golden/generate.sh --check [vers]  # only verify the committed files (exit 1 on a difference)
# Output: compat-tests/golden/<clientVersion>/*.hex and MANIFEST.json (see ../README.md).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAVA_DIR="$HERE/../java"
mode=write
if [ "${1:-}" = "--check" ]; then mode=check; shift; fi
versions="${*:-4.9.8 5.3.3}"
for v in $versions; do
  echo "== golden frames for rocketmq-client $v ($mode)"
  ( cd "$JAVA_DIR" && mvn -B -q -Dstyle.color=never ${COMPAT_MVN_ARGS:-} compile exec:exec -Drocketmq.version="$v" -Dgolden.mode="$mode" \
      -Dgolden.dir="$HERE" </dev/null )
done
