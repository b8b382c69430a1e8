#!/usr/bin/env bash
# Runs the Apache RocketMQ name server, broker and mqadmin from Maven Central jars.
#
#   java-peers.sh fetch   <version>                 download jars into java-peers/target/lib-<version>/{server,tools}
#   java-peers.sh namesrv <version> <port> <dir>    run a Java name server on <port>; <dir> is its home
#                                                   (logs, kvConfig.json, namesrv.properties); exec's java
#   java-peers.sh broker  <version> <conf>          run a Java broker with properties file <conf>; its home
#                                                   (ROCKETMQ_HOME, logs) is the directory of <conf>; exec's java
#   java-peers.sh mqadmin <version> args...         run mqadmin (org.apache.rocketmq.tools.command.MQAdminStartup);
#                                                   its home is $JAVA_PEERS_TOOLS_HOME or lib-<version>/tools-home
#   java-peers.sh server-version <version>          print the namesrv/broker version used for <version>
#   java-peers.sh libdir  <version>                 print the lib dir (…/lib-<version>)
#
# namesrv/broker/mqadmin `exec` the JVM, so the PID of this script is the PID of the JVM:
# SIGTERM runs RocketMQ's own shutdown hook, SIGKILL kills it outright.
#
# Heap sizes (this machine: 2 cores, 24 GB; Apache's scripts ask for 8 GB / 4 GB):
#   broker : -Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g -XX:+UseG1GC   (no AlwaysPreTouch)
#   namesrv: -Xms256m -Xmx256m -XX:+UseG1GC
#   mqadmin: -Xms64m -Xmx256m -XX:-UsePerfData
# Override with JAVA_PEERS_BROKER_OPTS / JAVA_PEERS_NAMESRV_OPTS / JAVA_PEERS_TOOLS_OPTS.
#
# rocketmq-namesrv and rocketmq-broker 4.9.8 are not published on Maven Central (only the 4.9.8 client-side
# artifacts are), so for 4.9.8 the name server and broker are 4.9.7 while mqadmin/tools are 4.9.8.
# Override with JAVA_PEERS_SERVER_VERSION. Extra Maven arguments for fetch: COMPAT_MVN_ARGS
# (e.g. "-Dmaven.repo.local=/tmp/m2").
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PEERS_DIR="$HERE/java-peers"
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() { echo "java-peers.sh: $*" >&2; exit 2; }

server_version() {
  if [ -n "${JAVA_PEERS_SERVER_VERSION:-}" ]; then echo "$JAVA_PEERS_SERVER_VERSION"; return; fi
  case "$1" in
    4.9.8) echo 4.9.7 ;;
    *) echo "$1" ;;
  esac
}

libdir() { echo "$PEERS_DIR/target/lib-$1"; }

# JDK 17: the 4.9.x/5.x stores unmap MappedByteBuffers by reflection.
JDK_OPENS="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
-XX:+IgnoreUnrecognizedVMOptions -XX:-OmitStackTraceInFastThrow -Djava.net.preferIPv4Stack=true"

BROKER_OPTS="${JAVA_PEERS_BROKER_OPTS:--server -Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g -XX:+UseG1GC}"
NAMESRV_OPTS="${JAVA_PEERS_NAMESRV_OPTS:--server -Xms256m -Xmx256m -XX:+UseG1GC}"
# -XX:-UsePerfData: two tools JVMs started at once may collide on /tmp/hsperfdata_<user>/<pid> and print a
# warning on stdout, which the parity test would read as output
TOOLS_OPTS="${JAVA_PEERS_TOOLS_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData}"

need_lib() {
  local d; d="$(libdir "$1")/$2"
  if ! ls "$d"/*.jar >/dev/null 2>&1; then
    die "no jars in $d; run: $0 fetch $1"
  fi
}

# Writes minimal logback configs into <home>/conf (4.9.x reads them from ROCKETMQ_HOME/conf;
# 5.x uses the configs inside its jars and writes to ${user.home}/logs, so user.home is set to <home>).
write_home() {
  local home="$1"
  mkdir -p "$home/conf" "$home/logs"
  local name
  for name in namesrv broker tools; do
    cat > "$home/conf/logback_$name.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$home/logs/$name.log</file>
    <append>true</append>
    <encoder>
      <pattern>%d{yyyy-MM-dd HH:mm:ss.SSS} %p %t %c - %m%n</pattern>
      <charset>UTF-8</charset>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="FILE"/>
  </root>
</configuration>
EOF
  done
}

cmd="${1:-}"; shift || true
case "$cmd" in
  fetch)
    [ $# -eq 1 ] || die "usage: fetch <version>"
    v="$1"; sv="$(server_version "$v")"; lib="$(libdir "$v")"
    if ls "$lib/server/"*.jar >/dev/null 2>&1 && ls "$lib/tools/"*.jar >/dev/null 2>&1 \
        && [ -f "$lib/.complete" ]; then
      echo "java-peers: $lib already present (server $sv, tools $v)"
      exit 0
    fi
    rm -rf "$lib"
    ( cd "$PEERS_DIR"
      # shellcheck disable=SC2086
      mvn -B -q -Dstyle.color=never ${COMPAT_MVN_ARGS:-} package -Pserver -Drocketmq.version="$v" \
        -Dpeers.server.version="$sv" </dev/null
      # shellcheck disable=SC2086
      mvn -B -q -Dstyle.color=never ${COMPAT_MVN_ARGS:-} package -Ptools -Drocketmq.version="$v" \
        -Dpeers.tools.version="$v" </dev/null )
    echo "server=$sv tools=$v" > "$lib/.complete"
    echo "java-peers: fetched $lib (server $sv, tools $v)"
    ;;
  namesrv)
    [ $# -eq 3 ] || die "usage: namesrv <version> <port> <dir>"
    v="$1"; port="$2"; dir="$3"
    need_lib "$v" server
    mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
    write_home "$dir"
    cat > "$dir/namesrv.properties" <<EOF
listenPort=$port
kvConfigPath=$dir/kvConfig.json
rocketmqHome=$dir
EOF
    export ROCKETMQ_HOME="$dir"
    cd "$dir"
    # shellcheck disable=SC2086
    exec "$JAVA_BIN" $NAMESRV_OPTS $JDK_OPENS -Duser.home="$dir" -Drocketmq.home.dir="$dir" \
      -cp "$(libdir "$v")/server/*" org.apache.rocketmq.namesrv.NamesrvStartup -c "$dir/namesrv.properties"
    ;;
  broker)
    [ $# -eq 2 ] || die "usage: broker <version> <conf>"
    v="$1"; conf="$2"
    need_lib "$v" server
    [ -f "$conf" ] || die "no such file: $conf"
    conf="$(cd "$(dirname "$conf")" && pwd)/$(basename "$conf")"
    home="$(dirname "$conf")"
    write_home "$home"
    export ROCKETMQ_HOME="$home"
    cd "$home"
    # shellcheck disable=SC2086
    exec "$JAVA_BIN" $BROKER_OPTS $JDK_OPENS -Duser.home="$home" -Drocketmq.home.dir="$home" \
      -cp "$(libdir "$v")/server/*" org.apache.rocketmq.broker.BrokerStartup -c "$conf"
    ;;
  mqadmin)
    [ $# -ge 1 ] || die "usage: mqadmin <version> args..."
    v="$1"; shift
    need_lib "$v" tools
    # mqadmin's own home (logback_tools.xml, logs); never the caller's ROCKETMQ_HOME
    home="${JAVA_PEERS_TOOLS_HOME:-$(libdir "$v")/tools-home}"
    [ -f "$home/conf/logback_tools.xml" ] || write_home "$home"
    export ROCKETMQ_HOME="$home"
    # shellcheck disable=SC2086
    exec "$JAVA_BIN" $TOOLS_OPTS $JDK_OPENS -Duser.home="$home" -Drocketmq.home.dir="$home" \
      -cp "$(libdir "$v")/tools/*" org.apache.rocketmq.tools.command.MQAdminStartup "$@"
    ;;
  server-version)
    [ $# -eq 1 ] || die "usage: server-version <version>"
    server_version "$1"
    ;;
  libdir)
    [ $# -eq 1 ] || die "usage: libdir <version>"
    libdir "$1"
    ;;
  *)
    sed -n '2,26p' "$0" >&2
    exit 2
    ;;
esac
