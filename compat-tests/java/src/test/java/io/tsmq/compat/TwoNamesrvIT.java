package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario d: two name servers under test A and B side by side, one Java broker registered with both
 * ({@code namesrvAddr=A;B}). Both give the same route and cluster info, and a producer configured with "A;B" sends.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class TwoNamesrvIT {
    static final String TOPIC = "CompatTwoNamesrv";
    static final String BROKER_NAME = "broker-two";

    static ManagedProcess nsA;
    static ManagedProcess nsB;
    static ManagedProcess broker;
    static DefaultMQAdminExt adminA;
    static DefaultMQAdminExt adminB;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(TwoNamesrvIT.class);
        nsA = Peers.startNamesrvUnderTest("namesrv-a");
        nsB = Peers.startNamesrvUnderTest("namesrv-b");
        broker = Peers.startJavaBroker("broker", BROKER_NAME, nsA.address() + ";" + nsB.address());
        adminA = Peers.admin(nsA.address());
        adminB = Peers.admin(nsB.address());
        Peers.createTopic(adminA, broker.address(), TOPIC);
        Peers.awaitRoute(adminA, TOPIC, broker.address(), Duration.ofSeconds(30));
        Peers.awaitRoute(adminB, TOPIC, broker.address(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    @Test
    void bothGiveTheSameRoute() throws Exception {
        var a = adminA.examineTopicRouteInfo(TOPIC);
        var b = adminB.examineTopicRouteInfo(TOPIC);
        assertEquals(Peers.json(a), Peers.json(b), "route JSON from A (expected) and B (actual)");
        assertEquals(a, b, "TopicRouteData.equals");
        assertEquals(1, a.getBrokerDatas().size(), Peers.json(a));
        assertEquals(broker.address(), a.getBrokerDatas().get(0).getBrokerAddrs().get(0L), Peers.json(a));
        assertEquals(1, a.getQueueDatas().size(), Peers.json(a));
        assertEquals(4, a.getQueueDatas().get(0).getWriteQueueNums(), Peers.json(a));
        assertEquals(4, a.getQueueDatas().get(0).getReadQueueNums(), Peers.json(a));
    }

    @Test
    void bothGiveTheSameClusterInfo() throws Exception {
        var a = adminA.examineBrokerClusterInfo();
        var b = adminB.examineBrokerClusterInfo();
        assertEquals(Peers.json(a), Peers.json(b), "cluster info JSON from A (expected) and B (actual)");
        assertEquals(a.getBrokerAddrTable(), b.getBrokerAddrTable(), "brokerAddrTable");
        assertEquals(a.getClusterAddrTable(), b.getClusterAddrTable(), "clusterAddrTable");
        assertTrue(a.getClusterAddrTable().get(Peers.CLUSTER).contains(BROKER_NAME), Peers.json(a));
        assertEquals(broker.address(), a.getBrokerAddrTable().get(BROKER_NAME).getBrokerAddrs().get(0L), Peers.json(a));
    }

    @Test
    void producerWithBothNameServersSends() throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("compat_two_ns_producer");
        producer.setNamesrvAddr(nsA.address() + ";" + nsB.address());
        producer.setInstanceName(Peers.uniqueInstanceName("compat-two-ns-producer"));
        producer.setSendMsgTimeout(10_000);
        Peers.closeAtEnd(producer::shutdown);
        producer.start();
        for (int i = 0; i < 20; i++) {
            SendResult r = producer.send(new Message(TOPIC, "TagA", "two-" + i,
                ("two-ns-" + i).getBytes(StandardCharsets.UTF_8)));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send #" + i + ": " + r);
        }
    }
}
