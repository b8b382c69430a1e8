package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario c: after a Java broker stops, its routes leave the name server under test T: GET_ROUTEINFO_BY_TOPIC for
 * its topic fails with TOPIC_NOT_EXIST (17). Graceful stop (SIGTERM: the broker unregisters) and a forcible one
 * (SIGKILL: only the closed connection tells T). The bound is the 120 s broker liveness window plus slack (130 s);
 * both Java behaviours are practically immediate, and the measured time is printed.
 *
 * <p>Each test needs its own broker (it is stopped), with its own broker name and topic.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class BrokerLeavesRoutesIT {
    static final int TOPIC_NOT_EXIST = 17;
    static final Duration BOUND = Duration.ofSeconds(130);

    static ManagedProcess testNs;
    static DefaultMQAdminExt admin;

    @BeforeAll
    static void startPeers() {
        Peers.beginClass(BrokerLeavesRoutesIT.class);
        testNs = Peers.startNamesrvUnderTest("namesrv-under-test");
        admin = Peers.admin(testNs.address());
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    @Test
    void routesLeaveAfterGracefulShutdown() throws Exception {
        routesLeave("broker-graceful", "broker-leave-graceful", "CompatLeaveGraceful", false);
    }

    @Test
    void routesLeaveAfterBrokerIsKilled() throws Exception {
        routesLeave("broker-killed", "broker-leave-killed", "CompatLeaveKilled", true);
    }

    private void routesLeave(String procName, String brokerName, String topic, boolean kill) throws Exception {
        ManagedProcess broker = Peers.startJavaBroker(procName, brokerName, testNs.address());
        Peers.createTopic(admin, broker.address(), topic);
        Peers.awaitRoute(admin, topic, broker.address(), Duration.ofSeconds(30));
        Peers.awaitBrokerInCluster(admin, brokerName, broker.address(), Duration.ofSeconds(30));

        long t0 = System.nanoTime();
        if (kill) {
            broker.kill(); // destroyForcibly: SIGKILL, no unregistration
        } else {
            broker.terminate(); // SIGTERM: the broker's shutdown hook unregisters it
        }
        String last = "";
        while (System.nanoTime() - t0 < BOUND.toNanos()) {
            try {
                var route = admin.examineTopicRouteInfo(topic);
                last = "still routed: " + Peers.json(route);
            } catch (MQClientException e) {
                if (e.getResponseCode() == TOPIC_NOT_EXIST) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    boolean brokerAlive = broker.isAlive();
                    System.out.printf("[compat] %s: route of %s gone %d ms after %s (broker process %s then)%n",
                        testNs.kind(), topic, ms, kill ? "SIGKILL" : "SIGTERM",
                        brokerAlive ? "still running" : "already exited");
                    assertTrue(ms < BOUND.toMillis());
                    if (!kill) {
                        assertTrue(broker.waitForExit(Duration.ofSeconds(60)), "broker did not exit after SIGTERM");
                    }
                    return;
                }
                last = "MQClientException code " + e.getResponseCode() + ": " + e.getErrorMessage();
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        fail("route of " + topic + " still not TOPIC_NOT_EXIST " + BOUND.toSeconds() + " s after the broker was "
            + (kill ? "killed" : "stopped") + "; last answer: " + last);
    }
}
