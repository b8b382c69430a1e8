#!/usr/bin/env bash
# Runs the tsmq store cross-check tool (io.tsmq.compat.store.StoreTool) on the official
# org.apache.rocketmq:rocketmq-store jar of a given version.
#
#   store-tool.sh <version> write  <storeDir> <spec.json|->
#   store-tool.sh <version> dump   <storeDir> [configJson|@file]
#   store-tool.sh <version> query  <storeDir> <topic> <key> [begin end]
#   store-tool.sh <version> verify-abnormal <storeDir> [configJson|@file]
#   store-tool.sh <version> build                 only (re)build target/lib-<version>/
#   store-tool.sh <version> classpath             print the runtime classpath
#
# stdout: JSON lines only (first line {"meta":true,...}, last line {"summary":true,...}).
# stderr: Maven, JVM and RocketMQ logs.
#
# The first use of a version builds it (mvn -B -q package -Drocketmq.version=<version>, works with an
# empty ~/.m2 as long as Maven Central is reachable); it is rebuilt when pom.xml or a source file is
# newer than the tool jar. Builds of the same version are serialized with flock.
#
# Environment:
#   JAVA_HOME                     JDK 17+ (default: java on PATH)
#   STORE_TOOL_JAVA_OPTS          extra JVM options (default heap: -Xms64m -Xmx512m)
#   STORE_TOOL_LOG_LEVEL          RocketMQ log level on stderr (default WARN; e.g. INFO shows recovery details)
#   STORE_TOOL_MVN                maven command line (default: mvn; e.g. "mvn -Dmaven.repo.local=/tmp/m2")
#
# The JVM time zone is left alone (IndexFile names use local time); the meta line reports it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"
read -r -a MVN <<<"${STORE_TOOL_MVN:-mvn}"

die() { echo "store-tool.sh: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: $0 <rocketmq-version> <write|dump|query|verify-abnormal|build|classpath> args..."
version="$1"; shift
cmd="$1"
case "$version" in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) die "bad rocketmq version '$version' (expected e.g. 4.9.8 or 5.3.3)" ;;
esac

LIB="$HERE/target/lib-$version"
JAR="$LIB/tsmq-store-tool.jar"
# Written last by a build: the jar appears before the dependencies are copied, so it cannot mark completeness.
DONE="$LIB/.complete"

needs_build() {
  [ -f "$DONE" ] || return 0
  [ -n "$(find "$HERE/pom.xml" "$HERE/src" -newer "$DONE" -type f -print -quit 2>/dev/null)" ] && return 0
  return 1
}

build() {
  mkdir -p "$HERE/target"
  (
    flock 9
    if needs_build || [ "${1:-}" = force ]; then
      echo "store-tool.sh: building rocketmq-store $version tool (mvn -B -q package)..." >&2
      # (Maven 3.8's jansi writes colour resets even with -B -q: strip escape sequences)
      ( cd "$HERE" && "${MVN[@]}" -B -q -Dstyle.color=never -Drocketmq.version="$version" package </dev/null 2>&1 ) \
        | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2 \
        || die "maven build failed for rocketmq.version=$version"
      touch "$JAR" "$DONE"
    fi
  ) 9>"$HERE/target/.build-$version.lock"
}

if [ "$cmd" = build ]; then build force; exit 0; fi
# Check again under the lock: another process may be halfway through the same build.
if needs_build; then build; fi
[ -f "$JAR" ] || die "tool jar missing after build: $JAR"

CP="$JAR:$LIB/*"
if [ "$cmd" = classpath ]; then echo "$CP"; exit 0; fi

# JDK 17: the stores unmap MappedByteBuffers by reflection (4.9.x MappedFile.clean: DirectByteBuffer
# .attachment()/.cleaner() then jdk.internal.ref.Cleaner.clean(); 5.x UtilAll.cleanBuffer -> netty
# PlatformDependent.freeDirectBuffer), and fastjson/netty reflect into java.lang / java.util / sun.nio.ch.
JDK_OPENS=(
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
)

# RocketMQ writes its own log files under ${user.home}/logs unless told otherwise: keep them in target/.
LOG_DIR="$HERE/target/logs-$version"
mkdir -p "$LOG_DIR"

# shellcheck disable=SC2206
EXTRA=(${STORE_TOOL_JAVA_OPTS:--Xms64m -Xmx512m})
exec "$JAVA_BIN" "${JDK_OPENS[@]}" -XX:+IgnoreUnrecognizedVMOptions -XX:-OmitStackTraceInFastThrow \
  -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djava.net.preferIPv4Stack=false \
  -Drocketmq.client.logRoot="$LOG_DIR" -Dlogging.root="$LOG_DIR" \
  -Dtsmq.store.log.level="${STORE_TOOL_LOG_LEVEL:-WARN}" \
  -Dtsmq.rocketmq.version="$version" \
  "${EXTRA[@]}" \
  -cp "$CP" io.tsmq.compat.store.StoreTool "$@"
