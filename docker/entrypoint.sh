#!/bin/sh
# The image's entry point: `tsmq <role>` with its config from a mounted file and from the environment.
#
#   role                     the first argument: namesrv, broker or dev (default broker); any other first argument
#                            is run as a command (e.g. `sh`)
#   config file              $TSMQ_CONFIG_FILE, else /etc/tsmq/<role>.conf when it exists (mount broker.conf there)
#   NAMESRV_ADDR             the broker's name servers, "host:port;host:port" (as in Apache's images)
#   TSMQ_CONF_<key>=<value>  any key of broker.conf or namesrv.conf, e.g. TSMQ_CONF_brokerIP1=10.0.0.5; these
#                            override the file, and arguments after the role override both
set -eu

role="${1:-broker}"
[ $# -gt 0 ] && shift
case "$role" in
  namesrv|broker|dev) ;;
  *) exec "$role" "$@" ;;
esac

# Arguments are rebuilt in place: role, file, environment, then the caller's own arguments (yargs keeps the last).
user_args_count=$#
set -- "$@" "$role"
conf="${TSMQ_CONFIG_FILE:-/etc/tsmq/$role.conf}"
if [ "$role" != dev ] && [ -f "$conf" ]; then set -- "$@" -c "$conf"; fi
if [ "$role" = broker ] && [ -n "${NAMESRV_ADDR:-}" ]; then set -- "$@" -n "$NAMESRV_ADDR"; fi
env_args="$(env | sed -n 's/^TSMQ_CONF_\([A-Za-z0-9_.]*\)=\(.*\)$/--\1=\2/p')"
while IFS= read -r a; do
  if [ -n "$a" ]; then set -- "$@" "$a"; fi
done <<ARGS
$env_args
ARGS
# Move the caller's arguments (the first user_args_count) to the end.
i=0
while [ "$i" -lt "$user_args_count" ]; do
  a="$1"
  shift
  set -- "$@" "$a"
  i=$((i + 1))
done
echo "tsmq-entrypoint: tsmq $*" >&2
exec tsmq "$@"
