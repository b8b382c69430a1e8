#!/bin/sh
# Entry point of the compat harness image: compat-tests/run.sh --cluster "$COMPAT_NAMESRV" with the image's settings.
set -u
if [ -z "${COMPAT_NAMESRV:-}" ]; then
  echo "compat-harness: set COMPAT_NAMESRV to the name server of the cluster to test (host:port)" >&2
  echo "0 passed, 1 failed"
  exit 2
fi
cd /opt/tsmq
set -- --cluster "$COMPAT_NAMESRV" --versions "${COMPAT_VERSIONS:-4.9.8 5.3.3}" --serialize "${COMPAT_SERIALIZE:-JSON ROCKETMQ}"
if [ -n "${COMPAT_TEST:-}" ]; then set -- "$@" --test "$COMPAT_TEST"; fi
out=/tmp/compat-harness.out
bash compat-tests/run.sh "$@" 2>&1 | tee "$out"
if [ -d /results ]; then
  for d in compat-tests/java/target/rmq-*; do
    [ -d "$d" ] && cp -r "$d" /results/ 2>/dev/null
  done
fi
last="$(tail -n 1 "$out")"
case "$last" in
  *" passed, 0 failed") exit 0 ;;
  *) exit 1 ;;
esac
