package io.tsmq.compat;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Client factories shared by the broker scenarios. Every client gets a unique instance name (clients with the same
 * instance name share one MQClientInstance inside a JVM) and is shut down by {@link Peers#endClass}. One source
 * compiles against 4.9.x and 5.x: classes that moved between the two (MessageModel) are reached by reflection.
 */
public final class Clients {
    /** Generous send timeout: the CI machine has 2 cores shared by the test JVM, the broker and the name server. */
    public static final int SEND_TIMEOUT_MS = 30_000;

    private Clients() {
    }

    /** A started producer of {@code group}, talking to {@code namesrvAddr}. */
    public static DefaultMQProducer producer(String group, String namesrvAddr) throws MQClientException {
        return started(new DefaultMQProducer(group), namesrvAddr);
    }

    /**
     * Starts {@code p} (any producer: transactional, with trace, ...) the way {@link #producer} does: the name
     * server, a unique instance name, the generous send timeout, shut down by {@link Peers#endClass}.
     */
    public static <P extends DefaultMQProducer> P started(P p, String namesrvAddr) throws MQClientException {
        p.setNamesrvAddr(namesrvAddr);
        p.setInstanceName(Peers.uniqueInstanceName(p.getProducerGroup()));
        p.setSendMsgTimeout(SEND_TIMEOUT_MS);
        Peers.closeAtEnd(p::shutdown);
        p.start();
        return p;
    }

    /** A push consumer (not started) of a new group, CONSUME_FROM_FIRST_OFFSET, CLUSTERING unless changed. */
    public static DefaultMQPushConsumer pushConsumer(String group, String namesrvAddr) {
        return pushConsumer(new DefaultMQPushConsumer(group), namesrvAddr);
    }

    /** Sets up {@code c} (e.g. one with trace on) as {@link #pushConsumer(String, String)} does; not started. */
    public static DefaultMQPushConsumer pushConsumer(DefaultMQPushConsumer c, String namesrvAddr) {
        c.setNamesrvAddr(namesrvAddr);
        c.setInstanceName(Peers.uniqueInstanceName(c.getConsumerGroup()));
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        Peers.closeAtEnd(c::shutdown);
        return c;
    }

    /**
     * Sends the client's heartbeat to every broker it has a route to now, rather than at its next 30 s tick: the
     * broker then knows the client (for replies pushed to it) and the client knows the broker's version (which it
     * checks before SQL92 pulls).
     */
    public static void heartbeat(ClientConfig client) {
        MQClientManager.getInstance().getOrCreateMQClientInstance(client).sendHeartbeatToAllBrokerWithLock();
    }

    /** A lite pull consumer (not started), CONSUME_FROM_FIRST_OFFSET. */
    public static DefaultLitePullConsumer litePullConsumer(String group, String namesrvAddr) {
        DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
        c.setNamesrvAddr(namesrvAddr);
        c.setInstanceName(Peers.uniqueInstanceName(group));
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        Peers.closeAtEnd(c::shutdown);
        return c;
    }

    /** A started (deprecated) DefaultMQPullConsumer. */
    @SuppressWarnings("deprecation")
    public static DefaultMQPullConsumer pullConsumer(String group, String namesrvAddr) throws MQClientException {
        DefaultMQPullConsumer c = new DefaultMQPullConsumer(group);
        c.setNamesrvAddr(namesrvAddr);
        c.setInstanceName(Peers.uniqueInstanceName(group));
        Peers.closeAtEnd(c::shutdown);
        c.start();
        return c;
    }

    /**
     * {@code consumer.setMessageModel(MessageModel.valueOf(model))}: MessageModel lives in
     * {@code org.apache.rocketmq.common.protocol.heartbeat} (4.9) or {@code org.apache.rocketmq.remoting.protocol.heartbeat}
     * (5.x).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void setMessageModel(Object consumer, String model) {
        for (Method m : consumer.getClass().getMethods()) {
            if (m.getName().equals("setMessageModel") && m.getParameterCount() == 1) {
                Class<? extends Enum> type = (Class<? extends Enum>) m.getParameterTypes()[0];
                try {
                    m.invoke(consumer, Enum.valueOf(type, model));
                    return;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("no setMessageModel on " + consumer.getClass());
    }

    /** The consumer's message model, by name. */
    public static String messageModel(Object consumer) {
        try {
            return ((Enum<?>) consumer.getClass().getMethod("getMessageModel").invoke(consumer)).name();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates {@code topic} with {@code queues} read and write queues, perm RW, on the broker (UPDATE_AND_CREATE_TOPIC)
     * and waits until the name server routes it to that broker.
     */
    public static void createTopic(DefaultMQAdminExt admin, BrokerUnderTest broker, String topic, int queues)
        throws Exception {
        admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig(topic, queues, queues, 6));
        Peers.awaitRoute(admin, topic, broker.address(), Duration.ofSeconds(30));
    }

    /** Waits until {@code condition} holds, polling every 100 ms; false if {@code timeout} passed first. */
    public static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            ManagedProcess.sleep(100);
        }
        return true;
    }

    /**
     * Calls {@code call} until it returns without an exception, for up to 15 s (e.g. a lookup in the index, which the
     * broker writes shortly after it stored the message); rethrows the last exception.
     */
    public static <T> T retry(Callable<T> call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                return call.call();
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                ManagedProcess.sleep(250);
            }
        }
    }

    public static long ms(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
