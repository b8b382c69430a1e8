package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.trace.TraceBean;
import org.apache.rocketmq.client.trace.TraceContext;
import org.apache.rocketmq.client.trace.TraceDataEncoder;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Request-reply and message trace (issue 6), broker with {@code traceTopicEnable=true}.
 * <ul>
 *   <li>Request-reply: a responder (push consumer) answers each request with {@code MessageUtil.createReplyMessage}
 *       sent by its own producer (SEND_REPLY_MESSAGE_V2); the broker pushes the reply to the requesting client
 *       (PUSH_REPLY_MESSAGE_TO_CLIENT). 10 synchronous {@code request} calls and 5 with a RequestCallback each get
 *       their own reply.</li>
 *   <li>Trace: a producer and a consumer with message trace on (their trace dispatchers write to
 *       RMQ_SYS_TRACE_TOPIC); for each of 3 messages the trace is found by the message id (a key query on the trace
 *       topic, as {@code mqadmin queryMsgTraceById} does) and holds the producer's Pub record with the topic, and the
 *       consumer's SubBefore and SubAfter records.</li>
 * </ul>
 */
@ExtendWith(Peers.DumpOnFailure.class)
class RequestReplyTraceIT {
    static final String REQUEST_TOPIC = "CompatRequest";
    static final String TRACED_TOPIC = "CompatTraced";
    static final String TRACE_TOPIC = "RMQ_SYS_TRACE_TOPIC";

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(RequestReplyTraceIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address(), Map.of("traceTopicEnable", "true"));
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, REQUEST_TOPIC, 4);
        Clients.createTopic(admin, broker, TRACED_TOPIC, 4);
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    @Test
    void requestsGetTheirReplies() throws Exception {
        DefaultMQProducer replier = Clients.producer("compat_replier", namesrv.address());
        List<String> problems = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer responder = Clients.pushConsumer("compat_responder_" + System.currentTimeMillis(),
            namesrv.address());
        responder.subscribe(REQUEST_TOPIC, "*");
        List<String> seen = new CopyOnWriteArrayList<>();
        responder.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                seen.add(m.getKeys());
                if (MessageUtil.getReplyToClient(m) == null) {
                    continue; // the warm-up message below: not a request
                }
                try {
                    String body = new String(m.getBody(), StandardCharsets.UTF_8);
                    Message reply = MessageUtil.createReplyMessage(m, ("reply to " + body).getBytes(StandardCharsets.UTF_8));
                    SendResult r = replier.send(reply);
                    if (r.getSendStatus() != SendStatus.SEND_OK) {
                        problems.add("reply to " + body + ": " + r);
                    }
                } catch (Exception e) {
                    problems.add("replying to " + m.getKeys() + ": " + e);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        responder.start();

        // A request is answered only once the responder consumes the topic (the 5.3.3 consumer can take a rebalance
        // interval, 20 s, to get its queues): a plain message on every queue first, then wait until it saw them.
        for (int q = 0; q < 4; q++) {
            SendResult r = replier.send(new Message(REQUEST_TOPIC, "TagW", "warm-up-" + q, new byte[] {1}),
                new org.apache.rocketmq.common.message.MessageQueue(REQUEST_TOPIC, broker.brokerName(), q));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "warm-up " + q);
        }
        long w0 = System.nanoTime();
        assertTrue(Clients.await(Duration.ofSeconds(60), () -> seen.stream().filter(k -> k.startsWith("warm-up-")).count() == 4),
            "the responder did not consume the warm-up messages: " + seen);
        System.out.printf("[compat] responder consuming after %d ms%n", Clients.ms(w0));

        DefaultMQProducer requester = Clients.producer("compat_requester", namesrv.address());
        // The broker pushes a reply to the requesting client's connection, which it knows from that client's
        // heartbeat. A 5.x producer heartbeats only to brokers it has a route to, every 30 s: right after start it has
        // none, and its first request would time out against either broker. Route, then heartbeat, first.
        MQClientManager.getInstance().getOrCreateMQClientInstance(requester).updateTopicRouteInfoFromNameServer(REQUEST_TOPIC);
        Clients.heartbeat(requester);
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            String body = "request " + i;
            Message reply;
            try {
                reply = request(requester, new Message(REQUEST_TOPIC, "TagQ", "rq-" + i,
                    body.getBytes(StandardCharsets.UTF_8)), 20_000);
            } catch (Exception e) {
                throw new AssertionError(body + ": " + e + "; responder problems: " + problems
                    + "; requests the responder saw: " + seen, e);
            }
            assertNotNull(reply, body + ": no reply");
            assertEquals("reply to " + body, new String(reply.getBody(), StandardCharsets.UTF_8), body + ": reply");
        }
        System.out.printf("[compat] 10 synchronous requests answered in %d ms%n", Clients.ms(t0));

        Map<String, CompletableFuture<String>> futures = new ConcurrentHashMap<>();
        for (int i = 0; i < 5; i++) {
            String body = "async request " + i;
            CompletableFuture<String> f = new CompletableFuture<>();
            futures.put(body, f);
            requester.request(new Message(REQUEST_TOPIC, "TagQ", "arq-" + i, body.getBytes(StandardCharsets.UTF_8)),
                new RequestCallback() {
                    @Override
                    public void onSuccess(Message message) {
                        if (message != null) { // the client also calls onSuccess(null) once the request is sent
                            f.complete(new String(message.getBody(), StandardCharsets.UTF_8));
                        }
                    }

                    @Override
                    public void onException(Throwable e) {
                        f.completeExceptionally(e);
                    }
                }, 20_000);
        }
        for (Map.Entry<String, CompletableFuture<String>> e : futures.entrySet()) {
            assertEquals("reply to " + e.getKey(), e.getValue().get(30, TimeUnit.SECONDS), e.getKey() + ": reply");
        }
        assertTrue(problems.isEmpty(), "responder problems: " + problems);
    }

    /**
     * The clients 5.3.1 to 5.3.3 count the synchronous {@code request(msg, timeout)}'s reply latch down as soon as the
     * request is sent (apache/rocketmq #8272, undone by #9608 after 5.3.3), so it throws RequestTimeoutException ("send
     * request message OK, but wait reply message timeout") right after a successful send, before any responder could
     * answer. With those clients a synchronous request is the RequestCallback form waited on.
     */
    static Message request(DefaultMQProducer requester, Message msg, long timeoutMs) throws Exception {
        if (MQVersion.CURRENT_VERSION < MQVersion.Version.V5_3_1.ordinal()) {
            return requester.request(msg, timeoutMs);
        }
        CompletableFuture<Message> f = new CompletableFuture<>();
        requester.request(msg, new RequestCallback() {
            @Override
            public void onSuccess(Message message) {
                if (message != null) { // onSuccess(null) once the request is sent, onSuccess(reply) on the reply
                    f.complete(message);
                }
            }

            @Override
            public void onException(Throwable e) {
                f.completeExceptionally(e);
            }
        }, timeoutMs);
        return f.get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
    }

    @Test
    void aTracedMessagesTraceIsFoundByItsId() throws Exception {
        String group = "compat_traced_consumer_" + System.currentTimeMillis();
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer c = Clients.pushConsumer(new DefaultMQPushConsumer(group, true, null), namesrv.address());
        c.subscribe(TRACED_TOPIC, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> consumed.add(m.getMsgId()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();

        DefaultMQProducer p = Clients.started(new DefaultMQProducer("compat_traced_producer", true, null), namesrv.address());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SendResult r = p.send(new Message(TRACED_TOPIC, "TagTr", "tr-" + i,
                ("traced " + i).getBytes(StandardCharsets.UTF_8)));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "traced " + i + ": " + r);
            ids.add(r.getMsgId());
        }
        assertTrue(Clients.await(Duration.ofSeconds(30), () -> consumed.containsAll(ids)), "consumed " + consumed);

        for (String id : ids) {
            Set<String> types = new TreeSet<>();
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!types.containsAll(Set.of("Pub", "SubBefore", "SubAfter")) && System.nanoTime() < deadline) {
                types.clear();
                seen.clear();
                try {
                    QueryResult qr = admin.queryMessage(TRACE_TOPIC, id, 64, 0, System.currentTimeMillis() + 60_000);
                    for (MessageExt tm : qr.getMessageList()) {
                        for (TraceContext ctx : TraceDataEncoder.decoderFromTraceDataString(
                            new String(tm.getBody(), StandardCharsets.UTF_8))) {
                            for (TraceBean b : ctx.getTraceBeans()) {
                                if (!id.equals(b.getMsgId())) {
                                    continue;
                                }
                                String type = ctx.getTraceType().name();
                                seen.add(type + " " + ctx.getGroupName() + " " + b.getTopic());
                                if (type.equals("Pub") && TRACED_TOPIC.equals(b.getTopic())
                                    && "compat_traced_producer".equals(ctx.getGroupName())) {
                                    types.add(type);
                                }
                                if (type.startsWith("Sub") && group.equals(ctx.getGroupName())) {
                                    types.add(type);
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    seen.add("query failed: " + e.getMessage());
                }
                if (!types.containsAll(Set.of("Pub", "SubBefore", "SubAfter"))) {
                    ManagedProcess.sleep(1000);
                }
            }
            System.out.printf("[compat] trace of %s: %s%n", id, seen);
            assertTrue(types.containsAll(Set.of("Pub", "SubBefore", "SubAfter")),
                "trace of " + id + " found by its id: " + seen);
        }
    }
}
