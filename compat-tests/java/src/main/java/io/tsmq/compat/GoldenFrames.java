package io.tsmq.compat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.remoting.CommandCustomHeader;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.SerializeType;

/**
 * Writes golden wire frames produced by the real {@link RemotingCommand} of the RocketMQ version on the class path.
 *
 * <p>Each frame is encoded the way {@code NettyEncoder.encode} does it in 4.9.8 and 5.3.3: {@code fastEncodeHeader(out)}
 * (8 bytes length + serializeType/headerLength, then the header) followed by the body bytes. The frame includes the
 * leading 4-byte total length. The manifest fields are what Java reports after decoding the frame again with
 * {@code RemotingCommand.decode} (i.e. what a Java peer sees when it receives these bytes), so a decoder can be checked
 * field by field.
 *
 * <p>Header and body classes live in different packages in 4.9.x ({@code org.apache.rocketmq.common.protocol...}) and
 * 5.x ({@code org.apache.rocketmq.remoting.protocol...}), so they are loaded and filled by reflection: one source file
 * compiles against both versions.
 *
 * <p>Usage: {@code GoldenFrames [--write] <goldenRootDir>} writes {@code <goldenRootDir>/<clientVersion>/*.hex} and
 * {@code MANIFEST.json}; {@code GoldenFrames --check <goldenRootDir>} only compares and exits 1 on a difference.
 * {@code compat-tests/golden/generate.sh} runs it for each client version.
 */
public final class GoldenFrames {

    /** One golden frame: a name, a description and a factory (each serialization gets a fresh command). */
    record Spec(String name, String description, Supplier<RemotingCommand> factory) {
    }

    /** A generated frame plus what Java decodes from it. */
    record Frame(String file, Spec spec, SerializeType type, byte[] bytes, RemotingCommand decoded) {
    }

    private static final long BORN = 1700000000000L;
    private static final String PROPS_V2 = "UNIQ_KEY\u00017F0000010B6418B4AAC2640000000000\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002";
    private static final String PROPS_NON_ASCII = "KEYS\u0001ключ 键\u0002TAGS\u0001标签\u0002UNIQ_KEY\u00017F0000010B6418B4AAC2640000000001"
        + "\u0002WAIT\u0001true\u0002";

    private GoldenFrames() {
    }

    public static void main(String[] args) throws Exception {
        boolean check = false;
        String root = null;
        for (String a : args) {
            if ("--check".equals(a)) {
                check = true;
            } else if ("--write".equals(a)) {
                check = false;
            } else if (!a.isBlank()) {
                root = a;
            }
        }
        if (root == null) {
            root = "../golden";
        }
        Path dir = Paths.get(root).toAbsolutePath().normalize().resolve(clientVersion());
        List<Frame> frames = generate();
        Map<String, String> files = render(frames);
        if (check) {
            List<String> diffs = compare(dir, files);
            if (!diffs.isEmpty()) {
                diffs.forEach(System.err::println);
                System.exit(1);
            }
            System.out.println("golden frames in " + dir + " match " + files.size() + " files");
            return;
        }
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(".hex") && !files.containsKey(n)) {
                    Files.delete(p);
                }
            }
        }
        for (Map.Entry<String, String> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        System.out.println("wrote " + frames.size() + " frames to " + dir);
    }

    /** "4.9.8" / "5.3.3" from the MQVersion of the library on the class path. */
    public static String clientVersion() {
        String desc = MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION); // e.g. V4_9_8
        return desc.substring(1).replace('_', '.');
    }

    /** File name → file content (hex files and MANIFEST.json). */
    public static Map<String, String> render(List<Frame> frames) {
        Map<String, String> files = new TreeMap<>();
        StringBuilder m = new StringBuilder();
        m.append("{\n  \"clientVersion\": ").append(Json.str(clientVersion())).append(",\n");
        m.append("  \"generator\": \"GoldenFrames\",\n");
        m.append("  \"mqVersionOrdinal\": ").append(MQVersion.CURRENT_VERSION).append(",\n");
        m.append("  \"encoding\": ").append(Json.str("each .hex file is one whole frame as NettyEncoder writes it: "
            + "int32 length, int32 (serializeType<<24 | headerLength), header, body; lowercase hex. "
            + "Fields below are what RemotingCommand.decode reports for the frame.")).append(",\n");
        m.append("  \"frames\": [\n");
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            files.put(f.file(), hex(f.bytes()));
            RemotingCommand d = f.decoded();
            int headerWord = ByteBuffer.wrap(f.bytes(), 4, 4).getInt();
            Map<String, String> ext = d.getExtFields() == null ? null : new TreeMap<>(d.getExtFields());
            m.append("    {");
            m.append("\"file\": ").append(Json.str(f.file()));
            m.append(", \"name\": ").append(Json.str(f.spec().name()));
            m.append(", \"description\": ").append(Json.str(f.spec().description()));
            m.append(", \"serializeType\": ").append(Json.str(f.type().name()));
            m.append(", \"kind\": ").append(Json.str(d.isResponseType() ? "response" : "request"));
            m.append(", \"oneway\": ").append(d.isOnewayRPC());
            m.append(", \"length\": ").append(ByteBuffer.wrap(f.bytes(), 0, 4).getInt());
            m.append(", \"headerLength\": ").append(headerWord & 0xFFFFFF);
            m.append(", \"code\": ").append(d.getCode());
            m.append(", \"language\": ").append(d.getLanguage() == null ? "null" : Json.str(d.getLanguage().name()));
            m.append(", \"version\": ").append(d.getVersion());
            m.append(", \"opaque\": ").append(d.getOpaque());
            m.append(", \"flag\": ").append(d.getFlag());
            m.append(", \"remark\": ").append(d.getRemark() == null ? "null" : Json.str(d.getRemark()));
            m.append(", \"extFields\": ").append(ext == null ? "null" : Json.map(ext));
            m.append(", \"bodyHex\": ").append(d.getBody() == null ? "null" : Json.str(hex(d.getBody())));
            m.append("}").append(i + 1 < frames.size() ? ",\n" : "\n");
        }
        m.append("  ]\n}\n");
        files.put("MANIFEST.json", m.toString());
        return files;
    }

    public static List<String> compare(Path dir, Map<String, String> files) throws IOException {
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path p = dir.resolve(e.getKey());
            if (!Files.exists(p)) {
                diffs.add("missing: " + p);
            } else if (!new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim().equals(e.getValue().trim())) {
                diffs.add("differs: " + p);
            }
        }
        return diffs;
    }

    public static List<Frame> generate() throws Exception {
        // What every real Java peer does first (MQClientAPIImpl, BrokerStartup, NamesrvStartup, MQAdminStartup).
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        List<Frame> out = new ArrayList<>();
        for (SerializeType type : new SerializeType[] {SerializeType.JSON, SerializeType.ROCKETMQ}) {
            String prefix = type == SerializeType.JSON ? "json-" : "rocketmq-";
            for (Spec spec : specs()) {
                RemotingCommand cmd = spec.factory().get();
                cmd.setSerializeTypeCurrentRPC(type);
                byte[] bytes = wireBytes(cmd);
                RemotingCommand decoded = RemotingCommand.decode(ByteBuffer.wrap(bytes, 4, bytes.length - 4).slice());
                if (decoded.getVersion() != MQVersion.CURRENT_VERSION) {
                    throw new IllegalStateException(spec.name() + ": version " + decoded.getVersion());
                }
                out.add(new Frame(prefix + spec.name() + ".hex", spec, type, bytes, decoded));
            }
        }
        return out;
    }

    /** The bytes NettyEncoder.encode writes for this command. */
    public static byte[] wireBytes(RemotingCommand cmd) {
        ByteBuf buf = Unpooled.buffer(256);
        try {
            cmd.fastEncodeHeader(buf);
            byte[] body = cmd.getBody();
            if (body != null) {
                buf.writeBytes(body);
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    static List<Spec> specs() {
        List<Spec> s = new ArrayList<>();
        s.add(new Spec("send-v2-request",
            "SEND_MESSAGE_V2 (310) with SendMessageRequestHeaderV2 (short keys a..n; a FastCodesHeader) and a body",
            () -> {
                RemotingCommand c = request(310, header("header.SendMessageRequestHeaderV2",
                    "a", "ProducerGroupA", "b", "TopicTest", "c", "TBW102", "d", 4, "e", 1, "f", 0, "g", BORN,
                    "h", 0, "i", PROPS_V2, "j", 0, "k", false, "m", false, "n", "broker-a"));
                c.setOpaque(5);
                c.setBody("Hello RocketMQ 0".getBytes(StandardCharsets.UTF_8));
                return c;
            }));
        s.add(new Spec("send-v2-duplicate-key-request",
            "SEND_MESSAGE_V2 (310) whose extFields also hold b (already a header field) and zz: in ROCKETMQ form the "
                + "header fields are written first and extFields after, so b appears twice and the decoder keeps the last; "
                + "in JSON form the header field overwrites the extField",
            () -> {
                RemotingCommand c = request(310, header("header.SendMessageRequestHeaderV2",
                    "a", "ProducerGroupA", "b", "TopicTest", "c", "TBW102", "d", 4, "e", 0, "f", 0, "g", BORN,
                    "h", 0, "i", PROPS_V2, "j", 0, "k", false, "m", false));
                c.addExtField("b", "OtherTopic");
                c.addExtField("zz", "extra");
                c.setOpaque(14);
                c.setBody(new byte[] {1, 2, 3});
                return c;
            }));
        s.add(new Spec("send-v1-special-chars-request",
            "SEND_MESSAGE (10) with SendMessageRequestHeader (full field names), properties with \\u0001/\\u0002 separators "
                + "and non-ASCII values, an extra non-ASCII extField, and a UTF-8 body",
            () -> {
                RemotingCommand c = request(10, header("header.SendMessageRequestHeader",
                    "producerGroup", "ProducerGroupA", "topic", "TopicTest", "defaultTopic", "TBW102",
                    "defaultTopicQueueNums", 4, "queueId", 3, "sysFlag", 0, "bornTimestamp", BORN, "flag", 0,
                    "properties", PROPS_NON_ASCII, "reconsumeTimes", 0, "unitMode", false, "batch", false));
                c.addExtField("x-ümlaut-键", "wert\u0001ä\u0002ß €");
                c.setOpaque(6);
                c.setBody("Grüße, 世界 😀".getBytes(StandardCharsets.UTF_8));
                return c;
            }));
        s.add(new Spec("pull-request",
            "PULL_MESSAGE (11) with PullMessageRequestHeader (a FastCodesHeader), no body",
            () -> {
                RemotingCommand c = request(11, header("header.PullMessageRequestHeader",
                    "consumerGroup", "ConsumerGroupA", "topic", "TopicTest", "queueId", 0, "queueOffset", 0L,
                    "maxMsgNums", 32, "sysFlag", 6, "commitOffset", 0L, "suspendTimeoutMillis", 15000L,
                    "subscription", "*", "subVersion", BORN + 1, "expressionType", "TAG"));
                c.setOpaque(7);
                return c;
            }));
        s.add(new Spec("pull-response",
            "PULL_MESSAGE response SUCCESS with PullMessageResponseHeader (a FastCodesHeader) and a binary body",
            () -> {
                RemotingCommand c = response(0, null, "header.PullMessageResponseHeader",
                    "suggestWhichBrokerId", 0L, "nextBeginOffset", 32L, "minOffset", 0L, "maxOffset", 100L);
                c.setOpaque(7);
                byte[] body = new byte[64];
                for (int i = 0; i < body.length; i++) {
                    body[i] = (byte) (i * 7 - 100);
                }
                c.setBody(body);
                return c;
            }));
        s.add(new Spec("register-broker-request",
            "REGISTER_BROKER (103) with RegisterBrokerRequestHeader and an uncompressed JSON RegisterBrokerBody",
            GoldenFrames::registerBroker));
        s.add(new Spec("get-routeinfo-request",
            "GET_ROUTEINFO_BY_TOPIC (105) with GetRouteInfoRequestHeader",
            () -> {
                RemotingCommand c = request(105, header("header.namesrv.GetRouteInfoRequestHeader", "topic", "TopicTest"));
                c.setOpaque(9);
                return c;
            }));
        s.add(new Spec("heartbeat-request",
            "HEART_BEAT (34) without a custom header and with a JSON HeartbeatData body",
            GoldenFrames::heartbeat));
        s.add(new Spec("oneway-update-offset-request",
            "UPDATE_CONSUMER_OFFSET (15) sent oneway (markOnewayRPC, flag 2)",
            () -> {
                RemotingCommand c = request(15, header("header.UpdateConsumerOffsetRequestHeader",
                    "consumerGroup", "ConsumerGroupA", "topic", "TopicTest", "queueId", 2, "commitOffset", 128L));
                c.markOnewayRPC();
                c.setOpaque(11);
                return c;
            }));
        s.add(new Spec("send-response",
            "SEND_MESSAGE response SUCCESS with a remark and SendMessageResponseHeader (a FastCodesHeader)",
            () -> {
                RemotingCommand c = response(0, "send ok", "header.SendMessageResponseHeader",
                    "msgId", "7F00000100002A9F0000000000000000", "queueId", 1, "queueOffset", 42L);
                c.setOpaque(5);
                return c;
            }));
        s.add(new Spec("error-non-ascii-remark-response",
            "SYSTEM_ERROR (1) response with a non-ASCII remark (2-, 3- and 4-byte UTF-8) and no custom header",
            () -> {
                RemotingCommand c = RemotingCommand.createResponseCommand(1,
                    "处理失败: Größe überschritten — ошибка ✓ 😀");
                c.setOpaque(12);
                return c;
            }));
        s.add(new Spec("plain-response-no-extfields",
            "SUCCESS (0) response without remark, custom header, extFields or body",
            () -> {
                RemotingCommand c = RemotingCommand.createResponseCommand(0, null);
                c.setOpaque(13);
                return c;
            }));
        s.add(new Spec("negative-opaque-request",
            "GET_KV_CONFIG (101) with GetKVConfigRequestHeader and a negative opaque",
            () -> {
                RemotingCommand c = request(101, header("header.namesrv.GetKVConfigRequestHeader",
                    "namespace", "ORDER_TOPIC_CONFIG", "key", "TopicTest"));
                c.setOpaque(-1234567890);
                return c;
            }));
        s.add(new Spec("negative-opaque-empty-header-response",
            "QUERY_NOT_FOUND (22) response with a negative opaque and a GetKVConfigResponseHeader whose only field is "
                + "null: JSON writes \"extFields\":{}, ROCKETMQ writes an empty map (length 0)",
            () -> {
                RemotingCommand c = response(22, "No config item, Namespace: ORDER_TOPIC_CONFIG Key: TopicTest",
                    "header.namesrv.GetKVConfigResponseHeader");
                c.setOpaque(-1234567890);
                return c;
            }));
        return s;
    }

    private static RemotingCommand registerBroker() {
        try {
            Object body = newInstance(cls("body.RegisterBrokerBody"));
            Object wrapper = invoke(body, "getTopicConfigSerializeWrapper");
            @SuppressWarnings("unchecked")
            Map<String, Object> table = (Map<String, Object>) invoke(wrapper, "getTopicConfigTable");
            Class<?> topicConfig = Class.forName("org.apache.rocketmq.common.TopicConfig");
            table.put("TopicTest", topicConfig.getConstructor(String.class, int.class, int.class, int.class)
                .newInstance("TopicTest", 4, 4, 6));
            Object dataVersion = invoke(wrapper, "getDataVersion");
            dataVersion.getClass().getMethod("setTimestamp", long.class).invoke(dataVersion, BORN);
            dataVersion.getClass().getMethod("setCounter", AtomicLong.class).invoke(dataVersion, new AtomicLong(3));
            try {
                // 5.x TopicConfigAndMappingSerializeWrapper: a second DataVersion stamped with the current time
                Object mappingVersion = invoke(wrapper, "getMappingDataVersion");
                mappingVersion.getClass().getMethod("setTimestamp", long.class).invoke(mappingVersion, BORN);
            } catch (NoSuchMethodException ignored) {
                // 4.9.x has no mapping data version
            }
            byte[] bytes = (byte[]) body.getClass().getMethod("encode", boolean.class).invoke(body, false);
            int crc = (int) Class.forName("org.apache.rocketmq.common.UtilAll").getMethod("crc32", byte[].class)
                .invoke(null, (Object) bytes);
            RemotingCommand c = request(103, header("header.namesrv.RegisterBrokerRequestHeader",
                "brokerName", "broker-a", "brokerAddr", "127.0.0.1:10911", "clusterName", "DefaultCluster",
                "haServerAddr", "127.0.0.1:10912", "brokerId", 0L, "compressed", false, "bodyCrc32", crc));
            c.setOpaque(8);
            c.setBody(bytes);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RemotingCommand heartbeat() {
        try {
            Object hb = newInstance(cls("heartbeat.HeartbeatData"));
            set(hb, "clientID", "127.0.0.1@12345#1700000000000");
            Object producer = newInstance(cls("heartbeat.ProducerData"));
            set(producer, "groupName", "ProducerGroupA");
            @SuppressWarnings("unchecked")
            Set<Object> producers = (Set<Object>) invoke(hb, "getProducerDataSet");
            producers.add(producer);

            Object sub = newInstance(cls("heartbeat.SubscriptionData"));
            set(sub, "topic", "TopicTest");
            set(sub, "subString", "*");
            set(sub, "subVersion", BORN + 2);
            set(sub, "expressionType", "TAG");
            Object consumer = newInstance(cls("heartbeat.ConsumerData"));
            set(consumer, "groupName", "ConsumerGroupA");
            set(consumer, "consumeType", enumValue(cls("heartbeat.ConsumeType"), "CONSUME_PASSIVELY"));
            set(consumer, "messageModel", enumValue(cls("heartbeat.MessageModel"), "CLUSTERING"));
            set(consumer, "consumeFromWhere",
                enumValue(Class.forName("org.apache.rocketmq.common.consumer.ConsumeFromWhere"), "CONSUME_FROM_LAST_OFFSET"));
            Set<Object> subs = new HashSet<>();
            subs.add(sub);
            set(consumer, "subscriptionDataSet", subs);
            set(consumer, "unitMode", false);
            @SuppressWarnings("unchecked")
            Set<Object> consumers = (Set<Object>) invoke(hb, "getConsumerDataSet");
            consumers.add(consumer);

            byte[] body = (byte[]) hb.getClass().getMethod("encode").invoke(hb);
            RemotingCommand c = request(34, null);
            c.setOpaque(10);
            c.setBody(body);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- reflection helpers

    static RemotingCommand request(int code, CommandCustomHeader header) {
        return RemotingCommand.createRequestCommand(code, header);
    }

    static RemotingCommand response(int code, String remark, String headerClass, Object... fields) {
        try {
            @SuppressWarnings("unchecked")
            Class<? extends CommandCustomHeader> hc = (Class<? extends CommandCustomHeader>) cls(headerClass);
            RemotingCommand c = RemotingCommand.createResponseCommand(code, remark, hc);
            setAll(c.readCustomHeader(), fields);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static CommandCustomHeader header(String relName, Object... fields) {
        try {
            Object h = newInstance(cls(relName));
            setAll(h, fields);
            return (CommandCustomHeader) h;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A protocol class: 5.x org.apache.rocketmq.remoting.protocol.X, 4.9.x org.apache.rocketmq.common.protocol.X. */
    static Class<?> cls(String relName) throws ClassNotFoundException {
        for (String prefix : new String[] {"org.apache.rocketmq.remoting.protocol.", "org.apache.rocketmq.common.protocol."}) {
            try {
                return Class.forName(prefix + relName);
            } catch (ClassNotFoundException ignored) {
                // try the next package
            }
        }
        throw new ClassNotFoundException(relName);
    }

    static Object newInstance(Class<?> c) throws Exception {
        var ctor = c.getDeclaredConstructor();
        ctor.setAccessible(true);
        return ctor.newInstance();
    }

    static Object invoke(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object enumValue(Class<?> c, String name) {
        return Enum.valueOf((Class) c, name);
    }

    static void setAll(Object target, Object... fields) throws Exception {
        Map<String, Object> kv = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            kv.put((String) fields[i], fields[i + 1]);
        }
        for (Map.Entry<String, Object> e : kv.entrySet()) {
            set(target, e.getKey(), e.getValue());
        }
    }

    static void set(Object target, String name, Object value) throws Exception {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                if (value instanceof Integer && (f.getType() == Long.class || f.getType() == long.class)) {
                    value = ((Integer) value).longValue();
                }
                f.set(target, value);
                return;
            } catch (NoSuchFieldException ignored) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }

    public static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }

    /** Minimal JSON writer (ASCII-safe: everything outside printable ASCII is \\u-escaped). */
    static final class Json {
        static String str(String s) {
            StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (ch < 0x20 || ch > 0x7e) {
                            sb.append(String.format("\\u%04x", (int) ch));
                        } else {
                            sb.append(ch);
                        }
                    }
                }
            }
            return sb.append('"').toString();
        }

        static String map(Map<String, String> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<String, String> e : m.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(str(e.getKey())).append(": ").append(e.getValue() == null ? "null" : str(e.getValue()));
            }
            return sb.append('}').toString();
        }
    }
}
