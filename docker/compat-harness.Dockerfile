# The compatibility harness: the compat-tests Java scenarios (official RocketMQ clients 4.9.8 and 5.3.3) run against
# the cluster whose name server COMPAT_NAMESRV names: tsmq, Apache RocketMQ, or anything else that claims to be one.
#
#   podman build -f docker/compat-harness.Dockerfile -t tsmq-compat-harness .      (from the repository root)
#   podman run --rm --network host -e COMPAT_NAMESRV=127.0.0.1:9876 tsmq-compat-harness
#
# Environment: COMPAT_NAMESRV (required), COMPAT_VERSIONS (default "4.9.8 5.3.3"), COMPAT_SERIALIZE (default
# "JSON ROCKETMQ"), COMPAT_TEST (default ExternalClusterIT), COMPAT_MVN_ARGS (extra Maven arguments, e.g.
# "-Dcompat.phase=write -Dcompat.run=r1"). Maven fetches the clients from Maven Central on first use; mount a
# repository at /root/.m2 to reuse one. JUnit reports are copied to /results when it is mounted. The last line is
# "N passed, N failed"; the exit status is 0 only when nothing failed.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/tsmq
COPY compat-tests/run.sh compat-tests/java-peers.sh compat-tests/
COPY compat-tests/golden compat-tests/golden
COPY compat-tests/java/pom.xml compat-tests/java/pom.xml
COPY compat-tests/java/src compat-tests/java/src
COPY docker/compat-harness.sh /usr/local/bin/compat-harness
ENTRYPOINT ["compat-harness"]
