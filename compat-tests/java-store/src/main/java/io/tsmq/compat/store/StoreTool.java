package io.tsmq.compat.store;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.TopicFilterType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageExtBatch;
import org.apache.rocketmq.store.AppendMessageResult;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.GetMessageResult;
import org.apache.rocketmq.store.GetMessageStatus;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.QueryMessageResult;
import org.apache.rocketmq.store.SelectMappedBufferResult;
import org.apache.rocketmq.store.config.BrokerRole;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;

/**
 * Command-line driver around org.apache.rocketmq.store.DefaultMessageStore (rocketmq-store 4.9.x
 * or 5.x used as a library), so tsmq's tests can cross-check on-disk stores both ways.
 *
 * <pre>
 *   write  &lt;storeDir&gt; &lt;spec.json|-&gt;
 *   dump   &lt;storeDir&gt; [configJson|@file]
 *   query  &lt;storeDir&gt; &lt;topic&gt; &lt;key&gt; [begin end]
 *   verify-abnormal &lt;storeDir&gt; [configJson|@file]
 *   (every command also takes --config &lt;json|@file&gt;)
 * </pre>
 *
 * stdout carries only JSON, one object per line; everything else (RocketMQ logs included) goes to
 * stderr. Exit code 0 = success, 1 = usage / failure, 3 = a put or a read did not succeed.
 */
public final class StoreTool {
    private static final String GROUP = "tsmq_store_tool";
    private static PrintStream out;
    private static String command = "?";
    private static int exitCode = 0;

    private StoreTool() {
    }

    public static void main(String[] args) {
        // Keep stdout for JSON only: whatever the libraries print goes to stderr.
        out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        configureLegacyLogging(System.getProperty("tsmq.store.log.level", "WARN"));
        try {
            run(args);
        } catch (Throwable t) {
            Throwable c = t instanceof InvocationTargetException && t.getCause() != null ? t.getCause() : t;
            c.printStackTrace(System.err);
            Map<String, Object> e = Json.obj();
            e.put("error", String.valueOf(c));
            e.put("command", command);
            emit(e);
            out.flush();
            Runtime.getRuntime().halt(1);
        }
        out.flush();
        // store threads (stats, HA, ...) are not all daemons: leave explicitly
        Runtime.getRuntime().halt(exitCode);
    }

    /**
     * 4.9.x logs through rocketmq-logging's inner logger (no slf4j on the class path), which has no
     * appender by default: give its root logger a System.err console appender. 5.x uses the shaded
     * logback configured by rmq.logback.xml instead, and has no such class.
     */
    private static void configureLegacyLogging(String level) {
        try {
            Class<?> lb = Class.forName("org.apache.rocketmq.logging.inner.LoggingBuilder");
            Object layoutB = lb.getMethod("newLayoutBuilder").invoke(null);
            layoutB = layoutB.getClass().getMethod("withDefaultLayout").invoke(layoutB);
            Object layout = layoutB.getClass().getMethod("build").invoke(layoutB);
            Object ab = lb.getMethod("newAppenderBuilder").invoke(null);
            ab = ab.getClass().getMethod("withConsoleAppender", String.class).invoke(ab, "System.err");
            for (Method m : ab.getClass().getMethods()) {
                if (m.getName().equals("withLayout") && m.getParameterCount() == 1) {
                    ab = m.invoke(ab, layout);
                }
            }
            Object appender = ab.getClass().getMethod("build").invoke(ab);
            Class<?> loggerCls = Class.forName("org.apache.rocketmq.logging.inner.Logger");
            Class<?> levelCls = Class.forName("org.apache.rocketmq.logging.inner.Level");
            Object root = loggerCls.getMethod("getRootLogger").invoke(null);
            for (Method m : loggerCls.getMethods()) {
                if (m.getName().equals("addAppender") && m.getParameterCount() == 1) {
                    m.invoke(root, appender);
                }
            }
            Object lvl = levelCls.getMethod("toLevel", String.class).invoke(null, level);
            loggerCls.getMethod("setLevel", levelCls).invoke(root, lvl);
        } catch (ClassNotFoundException e) {
            // 5.x
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("store-tool: could not configure the 4.9.x inner logger: " + e);
        }
    }

    static void emit(Map<String, Object> m) {
        out.println(Json.write(m));
    }

    private static void usage() {
        System.err.println("usage: StoreTool write <storeDir> <spec.json|->\n"
            + "       StoreTool dump <storeDir> [configJson|@file]\n"
            + "       StoreTool query <storeDir> <topic> <key> [begin end]   (--hex-key: key is UTF-8 hex)\n"
            + "       StoreTool verify-abnormal <storeDir> [configJson|@file]\n"
            + "       (all: --config <json|@file>)");
        Runtime.getRuntime().halt(1);
    }

    private static void run(String[] argv) throws Exception {
        List<String> args = new ArrayList<>();
        String configArg = null;
        boolean hexKey = false;
        for (int i = 0; i < argv.length; i++) {
            if ("--config".equals(argv[i]) && i + 1 < argv.length) {
                configArg = argv[++i];
            } else if ("--hex-key".equals(argv[i])) {
                hexKey = true;
            } else {
                args.add(argv[i]);
            }
        }
        if (args.size() < 2) {
            usage();
        }
        command = args.get(0);
        File dir = new File(args.get(1)).getAbsoluteFile();
        switch (command) {
            case "write": {
                if (args.size() < 3) {
                    usage();
                }
                String specText = "-".equals(args.get(2))
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Paths.get(args.get(2)), StandardCharsets.UTF_8);
                Map<String, Object> spec = Json.asObj(Json.parse(specText), "spec");
                Map<String, Object> cfg = Json.asObj(spec.get("config"), "config");
                if (configArg != null) {
                    cfg.putAll(readConfig(configArg));
                }
                meta(dir);
                doWrite(dir, spec, cfg);
                break;
            }
            case "dump":
            case "verify-abnormal": {
                if (args.size() >= 3 && configArg == null) {
                    configArg = args.get(2);
                }
                meta(dir);
                doDump(dir, readConfig(configArg), "verify-abnormal".equals(command));
                break;
            }
            case "query": {
                if (args.size() < 4) {
                    usage();
                }
                long begin = args.size() >= 6 ? Long.parseLong(args.get(4)) : 0L;
                long end = args.size() >= 6 ? Long.parseLong(args.get(5)) : Long.MAX_VALUE;
                String key = hexKey ? new String(Hex.decode(args.get(3)), StandardCharsets.UTF_8) : args.get(3);
                meta(dir);
                doQuery(dir, readConfig(configArg), args.get(2), key, begin, end);
                break;
            }
            default:
                usage();
        }
    }

    private static Map<String, Object> readConfig(String arg) throws IOException {
        if (arg == null || arg.isEmpty()) {
            return Json.obj();
        }
        String text = arg.startsWith("@") ? Files.readString(Paths.get(arg.substring(1)), StandardCharsets.UTF_8)
            : arg.trim().startsWith("{") ? arg : Files.readString(Paths.get(arg), StandardCharsets.UTF_8);
        Map<String, Object> m = Json.asObj(Json.parse(text), "config");
        if (m.get("config") instanceof Map) {
            return Json.asObj(m.get("config"), "config");
        }
        return m;
    }

    // ------------------------------------------------------------------ version / environment

    static String libraryVersion() {
        return MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION);
    }

    static int libraryMajor() {
        String d = libraryVersion(); // e.g. V4_9_8, V5_3_3
        try {
            return Integer.parseInt(d.substring(1, d.indexOf('_')));
        } catch (RuntimeException e) {
            return 4;
        }
    }

    private static void meta(File dir) {
        Map<String, Object> m = Json.obj();
        m.put("meta", true);
        m.put("tool", "tsmq-store-tool");
        m.put("command", command);
        m.put("rocketmqVersion", System.getProperty("tsmq.rocketmq.version", libraryVersion()));
        m.put("libraryVersion", libraryVersion());
        TimeZone tz = TimeZone.getDefault();
        m.put("timeZone", tz.getID());
        m.put("timeZoneOffsetMinutes", tz.getOffset(System.currentTimeMillis()) / 60000);
        m.put("storeDir", dir.getPath());
        m.put("javaVersion", System.getProperty("java.version"));
        emit(m);
    }

    // ------------------------------------------------------------------ opening the store

    /** Applies config keys to MessageStoreConfig through its setters (int/long/boolean/String/enum). */
    static MessageStoreConfig buildConfig(File dir, Map<String, Object> cfg) throws Exception {
        MessageStoreConfig c = new MessageStoreConfig();
        c.setStorePathRootDir(dir.getPath());
        c.setStorePathCommitLog(new File(dir, "commitlog").getPath());
        c.setMessageIndexEnable(true);
        inferFileSizes(dir, cfg, c);
        for (Map.Entry<String, Object> e : cfg.entrySet()) {
            setProperty(c, e.getKey(), e.getValue());
        }
        // the HA service listens on haListenPort (default 10912), so several tools (or a Java broker) at once
        // need distinct ports. The cross-check hands each run its own port below the ephemeral range: a port
        // probed with ServerSocket(0) and closed again could be taken by another run, or by an outgoing
        // connection, before the store binds it.
        if (!cfg.containsKey("haListenPort")) {
            String given = System.getenv("STORE_TOOL_HA_PORT");
            if (given != null && !given.isEmpty()) {
                c.setHaListenPort(Integer.parseInt(given));
            } else {
                try (ServerSocket s = new ServerSocket(0)) {
                    c.setHaListenPort(s.getLocalPort());
                }
            }
        }
        return c;
    }

    /** When the config does not say, take the CommitLog / ConsumeQueue file sizes from the files on disk. */
    private static void inferFileSizes(File dir, Map<String, Object> cfg, MessageStoreConfig c) {
        if (!cfg.containsKey("mappedFileSizeCommitLog")) {
            File[] fs = RawScan.queueFiles(new File(dir, "commitlog"));
            if (fs.length > 0 && fs[0].length() > 0 && fs[0].length() <= Integer.MAX_VALUE) {
                c.setMappedFileSizeCommitLog((int) fs[0].length());
            }
        }
        if (!cfg.containsKey("mappedFileSizeConsumeQueue")) {
            File[] topics = new File(dir, "consumequeue").listFiles(File::isDirectory);
            if (topics != null) {
                outer:
                for (File t : topics) {
                    File[] qs = t.listFiles(File::isDirectory);
                    if (qs == null) {
                        continue;
                    }
                    for (File q : qs) {
                        File[] fs = RawScan.queueFiles(q);
                        if (fs.length > 0 && fs[0].length() > 0) {
                            c.setMappedFileSizeConsumeQueue((int) fs[0].length());
                            break outer;
                        }
                    }
                }
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setProperty(Object target, String key, Object value) throws Exception {
        String setter = "set" + Character.toUpperCase(key.charAt(0)) + key.substring(1);
        for (Method m : target.getClass().getMethods()) {
            if (!m.getName().equals(setter) || m.getParameterCount() != 1) {
                continue;
            }
            Class<?> t = m.getParameterTypes()[0];
            String s = String.valueOf(value);
            Object arg;
            if (t == int.class || t == Integer.class) {
                arg = Integer.parseInt(s);
            } else if (t == long.class || t == Long.class) {
                arg = Long.parseLong(s);
            } else if (t == boolean.class || t == Boolean.class) {
                arg = Boolean.parseBoolean(s);
            } else if (t == double.class || t == Double.class) {
                arg = Double.parseDouble(s);
            } else if (t == float.class || t == Float.class) {
                arg = Float.parseFloat(s);
            } else if (t == String.class) {
                arg = s;
            } else if (t.isEnum()) {
                arg = Enum.valueOf((Class) t, s);
            } else {
                continue;
            }
            m.invoke(target, arg);
            return;
        }
        throw new IllegalArgumentException("MessageStoreConfig has no settable property '" + key + "'");
    }

    /**
     * 4.9.x: DefaultMessageStore(MessageStoreConfig, BrokerStatsManager, MessageArrivingListener, BrokerConfig);
     * 5.x adds a ConcurrentMap&lt;String, TopicConfig&gt; topicConfigTable.
     */
    static DefaultMessageStore newStore(MessageStoreConfig cfg) throws Exception {
        BrokerConfig brokerConfig = new BrokerConfig();
        BrokerStatsManager stats = new BrokerStatsManager(brokerConfig.getBrokerClusterName(), false);
        for (Constructor<?> k : DefaultMessageStore.class.getConstructors()) {
            Class<?>[] p = k.getParameterTypes();
            if (p.length >= 4 && p[0] == MessageStoreConfig.class && p[3] == BrokerConfig.class) {
                Object listener = Proxy.newProxyInstance(StoreTool.class.getClassLoader(), new Class<?>[] {p[2]},
                    (proxy, method, a) -> {
                        switch (method.getName()) {
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == a[0];
                            case "toString":
                                return "noop-MessageArrivingListener";
                            default:
                                return null;
                        }
                    });
                if (p.length == 4) {
                    return (DefaultMessageStore) k.newInstance(cfg, stats, listener, brokerConfig);
                }
                if (p.length == 5) {
                    return (DefaultMessageStore) k.newInstance(cfg, stats, listener, brokerConfig,
                        new ConcurrentHashMap<>());
                }
            }
        }
        throw new IllegalStateException("no known DefaultMessageStore constructor");
    }

    /**
     * 4.9.x runs the delay-level ScheduleMessageService inside the store (started by start() on a
     * master): it would re-deliver due SCHEDULE_TOPIC_XXXX messages, i.e. write to the store we only
     * mean to read. Stop it the way a slave does. 5.x has it in the broker, not in the store.
     */
    static void stopScheduleService(DefaultMessageStore store) {
        try {
            Method m = store.getClass().getMethod("handleScheduleMessageService", BrokerRole.class);
            m.invoke(store, BrokerRole.SLAVE);
        } catch (NoSuchMethodException e) {
            // 5.x: nothing to stop
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** MessageExtBrokerInner lives in org.apache.rocketmq.store (4.9.x) or ...common.message (5.x). */
    static Class<?> innerClass() throws ClassNotFoundException {
        try {
            return Class.forName("org.apache.rocketmq.common.message.MessageExtBrokerInner");
        } catch (ClassNotFoundException e) {
            return Class.forName("org.apache.rocketmq.store.MessageExtBrokerInner");
        }
    }

    /** State of the directory before the Java store touches it. */
    static Map<String, Object> stateBefore(File dir, MessageStoreConfig cfg) throws IOException {
        Map<String, Object> m = Json.obj();
        m.put("abort", RawScan.fileState(new File(dir, "abort")));
        m.put("checkpoint", RawScan.readCheckpoint(new File(dir, "checkpoint")));
        m.put("commitLog", RawScan.scanCommitLog(new File(dir, "commitlog"), cfg.getMappedFileSizeCommitLog()));
        m.put("consumeQueues", RawScan.scanConsumeQueues(new File(dir, "consumequeue")));
        m.put("index", RawScan.readIndexHeaders(new File(dir, "index")));
        return m;
    }

    static Map<String, Object> stateAfter(File dir) throws IOException {
        Map<String, Object> m = Json.obj();
        m.put("abortFileExistsAfterShutdown", new File(dir, "abort").exists());
        m.put("abort", RawScan.fileState(new File(dir, "abort")));
        m.put("abortBak", RawScan.fileState(new File(dir, "abort.bak")));
        m.put("lock", RawScan.fileState(new File(dir, "lock")));
        m.put("checkpointAfter", RawScan.readCheckpoint(new File(dir, "checkpoint")));
        m.put("indexAfter", RawScan.readIndexHeaders(new File(dir, "index")));
        m.put("files", RawScan.listFiles(dir));
        return m;
    }

    private static void waitDispatched(DefaultMessageStore store, Map<String, Long> expectedMax, long timeoutMs)
        throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            boolean ok = store.dispatchBehindBytes() <= 0;
            if (ok && expectedMax != null) {
                for (Map.Entry<String, Long> e : expectedMax.entrySet()) {
                    int sep = e.getKey().lastIndexOf('\u0000');
                    String topic = e.getKey().substring(0, sep);
                    int qid = Integer.parseInt(e.getKey().substring(sep + 1));
                    if (store.getMaxOffsetInQueue(topic, qid) < e.getValue()) {
                        ok = false;
                        break;
                    }
                }
            }
            if (ok) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("dispatch did not catch up within " + timeoutMs + " ms, behind="
                    + store.dispatchBehindBytes());
            }
            Thread.sleep(5);
        }
    }

    // ------------------------------------------------------------------ write

    private static void doWrite(File dir, Map<String, Object> spec, Map<String, Object> cfgMap) throws Exception {
        if (!Json.getBool(spec, "allowExisting", false)) {
            File[] existing = RawScan.queueFiles(new File(dir, "commitlog"));
            if (existing.length > 0) {
                throw new IllegalStateException("store " + dir + " already has CommitLog files (set \"allowExisting\":true)");
            }
        }
        Files.createDirectories(dir.toPath());
        MessageStoreConfig cfg = buildConfig(dir, cfgMap);
        boolean brokerLike = Json.getBool(spec, "brokerLike", true);
        String cluster = Json.getString(spec, "clusterName", "DefaultCluster");
        String defaultStoreHost = Json.getString(spec, "storeHost", "127.0.0.1:10911");
        boolean crash = Json.getBool(spec, "crash", false);
        boolean major5 = libraryMajor() >= 5;

        DefaultMessageStore store = newStore(cfg);
        if (!store.load()) {
            throw new IllegalStateException("DefaultMessageStore.load() returned false");
        }
        store.start();
        if (!Json.getBool(spec, "scheduleService", false)) {
            stopScheduleService(store);
        }

        Class<?> innerCls = innerClass();
        Method putMessage = DefaultMessageStore.class.getMethod("putMessage", innerCls);
        Method setPropertiesString = innerCls.getMethod("setPropertiesString", String.class);
        Method setTagsCode = innerCls.getMethod("setTagsCode", long.class);
        Method tags2code = innerCls.getMethod("tagsString2tagsCode", TopicFilterType.class, String.class);

        Map<String, Long> expectedMax = new TreeMap<>();
        int puts = 0;
        long records = 0;
        List<Object> messages = Json.asList(spec.get("messages"), "messages");
        for (int i = 0; i < messages.size(); i++) {
            Map<String, Object> m = Json.asObj(messages.get(i), "messages[" + i + "]");
            String topic = Json.getString(m, "topic", null);
            if (topic == null) {
                throw new IllegalArgumentException("messages[" + i + "].topic missing");
            }
            int queueId = (int) Json.getLong(m, "queueId", 0);
            int flag = (int) Json.getLong(m, "flag", 0);
            int sysFlag = (int) Json.getLong(m, "sysFlag", 0);
            long bornTs = Json.getLong(m, "bornTimestamp", System.currentTimeMillis());
            SocketAddress bornHost = parseHost(Json.getString(m, "bornHost", "127.0.0.1:50000"));
            SocketAddress storeHost = parseHost(Json.getString(m, "storeHost", defaultStoreHost));
            int reconsume = (int) Json.getLong(m, "reconsumeTimes", 0);
            PutMessageResult r;
            Map<String, Object> line = Json.obj();
            line.put("index", i);
            if (m.get("batch") != null) {
                List<Object> items = Json.asList(m.get("batch"), "messages[" + i + "].batch");
                List<Message> msgs = new ArrayList<>();
                for (int j = 0; j < items.size(); j++) {
                    Map<String, Object> it = Json.asObj(items.get(j), "batch item");
                    Message msg = new Message();
                    msg.setTopic(topic);
                    msg.setBody(body(it));
                    msg.setFlag((int) Json.getLong(it, "flag", 0));
                    for (Map.Entry<String, Object> p : Json.asObj(it.get("properties"), "properties").entrySet()) {
                        MessageAccessor.putProperty(msg, p.getKey(), String.valueOf(p.getValue()));
                    }
                    msgs.add(msg);
                }
                // batch-level (request header) properties as the client sends them
                Map<String, String> header = new HashMap<>();
                if (m.containsKey("properties")) {
                    header.putAll(strings(Json.asObj(m.get("properties"), "properties")));
                } else {
                    header.put(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, "true"); // MessageBatch.generateFromList
                    if (major5) {
                        header.put(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
                            MessageClientIDSetter.createUniqID()); // 5.x DefaultMQProducer.batch()
                    }
                }
                MessageExtBatch batch = new MessageExtBatch();
                batch.setTopic(topic);
                batch.setQueueId(queueId);
                batch.setSysFlag(sysFlag);
                batch.setFlag(flag);
                Map<String, String> brokerProps =
                    MessageDecoder.string2messageProperties(MessageDecoder.messageProperties2String(header));
                MessageAccessor.setProperties(batch, brokerProps);
                batch.setBody(MessageDecoder.encodeMessages(msgs));
                batch.setBornTimestamp(bornTs);
                batch.setBornHost(bornHost);
                batch.setStoreHost(storeHost);
                batch.setReconsumeTimes(reconsume);
                if (brokerLike) {
                    MessageAccessor.putProperty(batch, MessageConst.PROPERTY_CLUSTER, cluster);
                }
                r = store.putMessages(batch);
                line.put("batch", true);
                line.put("batchSize", msgs.size());
                String buk = batch.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
                if (buk != null) {
                    line.put("batchUniqKey", buk);
                }
            } else {
                Object inner = innerCls.getConstructor().newInstance();
                MessageExt msg = (MessageExt) inner;
                msg.setTopic(topic);
                msg.setQueueId(queueId);
                msg.setBody(body(m));
                msg.setFlag(flag);
                // what the broker does with SendMessageRequestHeader.properties
                String clientProps = MessageDecoder.messageProperties2String(
                    new LinkedHashMap<>(strings(Json.asObj(m.get("properties"), "properties"))));
                Map<String, String> props = MessageDecoder.string2messageProperties(clientProps);
                if (brokerLike && major5) {
                    String uk = props.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
                    if (uk == null || uk.isEmpty()) {
                        props.put(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, MessageClientIDSetter.createUniqID());
                    }
                }
                MessageAccessor.setProperties(msg, props);
                setTagsCode.invoke(inner, (Long) tags2code.invoke(null, TopicFilterType.SINGLE_TAG, msg.getTags()));
                msg.setBornTimestamp(bornTs);
                msg.setBornHost(bornHost);
                msg.setStoreHost(storeHost);
                msg.setReconsumeTimes(reconsume);
                msg.setSysFlag(sysFlag);
                if (brokerLike) {
                    MessageAccessor.putProperty(msg, MessageConst.PROPERTY_CLUSTER, cluster);
                }
                if (brokerLike && !major5 && props.containsKey(MessageConst.PROPERTY_WAIT_STORE_MSG_OK)) {
                    // 4.9.x SendMessageProcessor: WAIT is not stored, but stays in the map
                    String wait = props.remove(MessageConst.PROPERTY_WAIT_STORE_MSG_OK);
                    setPropertiesString.invoke(inner, MessageDecoder.messageProperties2String(msg.getProperties()));
                    props.put(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, wait);
                } else {
                    setPropertiesString.invoke(inner, MessageDecoder.messageProperties2String(msg.getProperties()));
                }
                r = (PutMessageResult) putMessage.invoke(store, inner);
                String uk = msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
                if (uk != null) {
                    line.put("uniqKey", uk);
                }
            }
            puts++;
            line.put("topic", topic);
            line.put("queueId", queueId);
            if (r == null) {
                line.put("status", "NULL_RESULT");
                exitCode = 3;
                emit(line);
                continue;
            }
            line.put("status", r.getPutMessageStatus().name());
            AppendMessageResult a = r.getAppendMessageResult();
            if (a != null) {
                line.put("appendStatus", a.getStatus() == null ? null : a.getStatus().name());
                line.put("msgId", a.getMsgId());
                line.put("queueOffset", a.getLogicsOffset());
                line.put("wroteOffset", a.getWroteOffset());
                line.put("wroteBytes", a.getWroteBytes());
                line.put("storeTimestamp", a.getStoreTimestamp());
                line.put("msgNum", a.getMsgNum());
                if (a.isOk()) {
                    records += a.getMsgNum();
                    expectedMax.merge(topic + '\u0000' + queueId, a.getLogicsOffset() + a.getMsgNum(), Math::max);
                }
            }
            if (!r.isOk()) {
                exitCode = 3;
            }
            emit(line);
        }

        waitDispatched(store, expectedMax, 60_000);

        Map<String, Object> sum = Json.obj();
        sum.put("summary", true);
        sum.put("command", "write");
        sum.put("puts", puts);
        sum.put("records", records);
        sum.put("maxPhyOffset", store.getMaxPhyOffset());
        sum.put("minPhyOffset", store.getMinPhyOffset());
        sum.put("dispatchBehindBytes", store.dispatchBehindBytes());
        List<Object> queues = new ArrayList<>();
        for (String k : expectedMax.keySet()) {
            int sep = k.lastIndexOf('\u0000');
            String topic = k.substring(0, sep);
            int qid = Integer.parseInt(k.substring(sep + 1));
            Map<String, Object> q = Json.obj();
            q.put("topic", topic);
            q.put("queueId", qid);
            q.put("min", store.getMinOffsetInQueue(topic, qid));
            q.put("max", store.getMaxOffsetInQueue(topic, qid));
            queues.add(q);
        }
        sum.put("queues", queues);
        if (crash) {
            // simulate kill -9: no shutdown, abort file stays, nothing flushed explicitly
            // (the mapped pages are in the OS page cache, so other processes see them)
            sum.put("crashed", true);
            sum.put("files", RawScan.listFiles(dir));
            emit(sum);
            out.flush();
            Runtime.getRuntime().halt(exitCode);
        }
        store.shutdown();
        sum.put("shutDownNormal", shutDownNormal(store));
        sum.putAll(stateAfter(dir));
        emit(sum);
    }

    private static Object shutDownNormal(DefaultMessageStore store) {
        try {
            java.lang.reflect.Field f = DefaultMessageStore.class.getDeclaredField("shutDownNormal");
            f.setAccessible(true);
            return f.get(store);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Map<String, String> strings(Map<String, Object> m) {
        Map<String, String> r = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            r.put(e.getKey(), String.valueOf(e.getValue()));
        }
        return r;
    }

    private static byte[] body(Map<String, Object> m) {
        if (m.get("body") != null) {
            return Hex.decode(String.valueOf(m.get("body")));
        }
        if (m.get("bodyText") != null) {
            return String.valueOf(m.get("bodyText")).getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }

    /** "1.2.3.4:5", "[::1]:5" or "host:5". */
    static InetSocketAddress parseHost(String s) throws IOException {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("host without port: " + s);
        }
        String h = s.substring(0, colon);
        int port = Integer.parseInt(s.substring(colon + 1));
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return new InetSocketAddress(InetAddress.getByName(h), port);
    }

    static String hostString(SocketAddress a) {
        if (!(a instanceof InetSocketAddress)) {
            return String.valueOf(a);
        }
        InetSocketAddress i = (InetSocketAddress) a;
        InetAddress ad = i.getAddress();
        if (ad instanceof Inet6Address) {
            return "[" + ipv6Text(ad.getAddress()) + "]:" + i.getPort();
        }
        return (ad == null ? i.getHostString() : ad.getHostAddress()) + ":" + i.getPort();
    }

    /** RFC 5952 text (lower case, longest run of >= 2 zero groups as "::"), like Node's net module. */
    static String ipv6Text(byte[] b) {
        int[] g = new int[8];
        for (int k = 0; k < 8; k++) {
            g[k] = ((b[2 * k] & 0xFF) << 8) | (b[2 * k + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int s = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - s > bestLen) {
                bestStart = s;
                bestLen = k - s;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[k]));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ dump / verify-abnormal

    private static final class Opened {
        DefaultMessageStore store;
        boolean abortExisted;
        Map<String, Object> before;
        long maxPhyAfterRecovery;
        MessageStoreConfig cfg;
    }

    private static Opened open(File dir, Map<String, Object> cfgMap) throws Exception {
        if (!new File(dir, "commitlog").isDirectory()) {
            throw new IllegalStateException("no commitlog directory in " + dir);
        }
        Opened o = new Opened();
        o.cfg = buildConfig(dir, cfgMap);
        o.abortExisted = new File(dir, "abort").exists();
        o.before = stateBefore(dir, o.cfg);
        o.store = newStore(o.cfg);
        if (!o.store.load()) {
            throw new IllegalStateException("DefaultMessageStore.load() returned false (see stderr)");
        }
        o.maxPhyAfterRecovery = o.store.getMaxPhyOffset();
        o.store.start();
        stopScheduleService(o.store);
        waitDispatched(o.store, null, 60_000);
        return o;
    }

    /** (topic, queueId) pairs: consumequeue/ directories plus whatever the store has loaded. */
    private static TreeMap<String, TreeSet<Integer>> queuesOf(File dir, DefaultMessageStore store) {
        TreeMap<String, TreeSet<Integer>> r = new TreeMap<>();
        File[] topics = new File(dir, "consumequeue").listFiles(File::isDirectory);
        if (topics != null) {
            for (File t : topics) {
                File[] qs = t.listFiles(File::isDirectory);
                if (qs == null) {
                    continue;
                }
                for (File q : qs) {
                    if (q.getName().matches("\\d+")) {
                        r.computeIfAbsent(t.getName(), k -> new TreeSet<>()).add(Integer.parseInt(q.getName()));
                    }
                }
            }
        }
        // queues the store knows without a directory (e.g. 4.9.x's ScheduleMessageService registers
        // the 18 SCHEDULE_TOPIC_XXXX queues in memory) only count when they hold something
        Map<String, ? extends Map<Integer, ?>> table = store.getConsumeQueueTable();
        for (Map.Entry<String, ? extends Map<Integer, ?>> e : table.entrySet()) {
            for (Integer q : e.getValue().keySet()) {
                if (r.containsKey(e.getKey()) && r.get(e.getKey()).contains(q)) {
                    continue;
                }
                long max;
                try {
                    max = store.getMaxOffsetInQueue(e.getKey(), q);
                } catch (Exception ex) {
                    max = 0;
                }
                if (max > 0) {
                    r.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(q);
                }
            }
        }
        return r;
    }

    /** The 20-byte ConsumeQueue unit at a logical offset, via ConsumeQueue.getIndexBuffer. */
    private static long[] cqUnit(DefaultMessageStore store, String topic, int queueId, long offset) {
        try {
            Object cq = store.findConsumeQueue(topic, queueId);
            if (cq == null) {
                return null;
            }
            Method gib = cq.getClass().getMethod("getIndexBuffer", long.class);
            SelectMappedBufferResult r = (SelectMappedBufferResult) gib.invoke(cq, offset);
            if (r == null) {
                return null;
            }
            try {
                ByteBuffer b = r.getByteBuffer();
                if (r.getSize() < 20) {
                    return null;
                }
                int p = b.position();
                return new long[] {b.getLong(p), b.getInt(p + 8), b.getLong(p + 12)};
            } finally {
                r.release();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> describe(ByteBuffer record, long[] unit) {
        ByteBuffer raw = record.slice();
        MessageExt msg = MessageDecoder.decode(record.slice(), true, false, false);
        Map<String, Object> m = Json.obj();
        if (msg == null) {
            m.put("error", "MessageDecoder.decode returned null");
            m.put("recordHeadHex", hexHead(raw, 96));
            return m;
        }
        m.put("topic", msg.getTopic());
        m.put("queueId", msg.getQueueId());
        m.put("queueOffset", msg.getQueueOffset());
        m.put("commitLogOffset", msg.getCommitLogOffset());
        m.put("size", msg.getStoreSize());
        m.put("sysFlag", msg.getSysFlag());
        m.put("flag", msg.getFlag());
        m.put("bornTimestamp", msg.getBornTimestamp());
        m.put("bornHost", hostString(msg.getBornHost()));
        m.put("storeTimestamp", msg.getStoreTimestamp());
        m.put("storeHost", hostString(msg.getStoreHost()));
        m.put("reconsumeTimes", msg.getReconsumeTimes());
        m.put("preparedTransactionOffset", msg.getPreparedTransactionOffset());
        m.put("bodyCrc", msg.getBodyCRC());
        byte[] body = msg.getBody() == null ? new byte[0] : msg.getBody();
        m.put("bodyCrcOk", body.length == 0 ? msg.getBodyCRC() == 0 : RawScan.crc(body) == msg.getBodyCRC());
        m.put("bodyLength", body.length);
        m.put("body", Hex.encode(body));
        m.put("properties", new TreeMap<>(msg.getProperties() == null ? Map.of() : msg.getProperties()));
        if (unit != null) {
            m.put("tagsCode", unit[2]);
            m.put("cqCommitLogOffset", unit[0]);
            m.put("cqSize", unit[1]);
        } else {
            m.put("tagsCode", null);
        }
        m.put("msgId", msg.getMsgId());
        rawFields(raw, m);
        return m;
    }

    /** Fields MessageDecoder does not expose: magic and the raw PROPERTIES bytes. */
    private static void rawFields(ByteBuffer b, Map<String, Object> m) {
        try {
            int p0 = b.position();
            int magic = b.getInt(p0 + 4);
            m.put("magic", magic == RawScan.MAGIC_V2 ? "V2" : magic == RawScan.MAGIC_V1 ? "V1"
                : String.format("%08X", magic));
            int sysFlag = b.getInt(p0 + 36);
            int p = p0 + 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + ((sysFlag & 0x10) != 0 ? 20 : 8) + 8
                + ((sysFlag & 0x20) != 0 ? 20 : 8) + 4 + 8;
            int bodyLen = b.getInt(p);
            p += 4 + bodyLen;
            int topicLen = magic == RawScan.MAGIC_V2 ? b.getShort(p) : b.get(p);
            p += (magic == RawScan.MAGIC_V2 ? 2 : 1) + topicLen;
            int propLen = b.getShort(p);
            p += 2;
            byte[] props = new byte[Math.max(0, propLen)];
            b.get(p, props);
            m.put("propertiesLength", propLen);
            m.put("propertiesHex", Hex.encode(props));
            m.put("propertiesTrailingSeparator", props.length > 0 && props[props.length - 1] == 2);
        } catch (RuntimeException e) {
            m.put("rawParseError", e.toString());
        }
    }

    private static String hexHead(ByteBuffer b, int n) {
        byte[] h = new byte[Math.min(n, b.remaining())];
        b.duplicate().get(h);
        return Hex.encode(h);
    }

    private static void doDump(File dir, Map<String, Object> cfgMap, boolean verify) throws Exception {
        Opened o = open(dir, cfgMap);
        DefaultMessageStore store = o.store;
        List<Object> queues = new ArrayList<>();
        long messages = 0;
        long problems = 0;
        for (Map.Entry<String, TreeSet<Integer>> t : queuesOf(dir, store).entrySet()) {
            for (int qid : t.getValue()) {
                long min = store.getMinOffsetInQueue(t.getKey(), qid);
                long max = store.getMaxOffsetInQueue(t.getKey(), qid);
                Map<String, Object> q = Json.obj();
                q.put("topic", t.getKey());
                q.put("queueId", qid);
                q.put("min", min);
                q.put("max", max);
                queues.add(q);
                for (long off = min; off < max; off++) {
                    long[] unit = cqUnit(store, t.getKey(), qid, off);
                    GetMessageResult r = store.getMessage(GROUP, t.getKey(), qid, off, 1, null);
                    try {
                        if (r == null || r.getStatus() != GetMessageStatus.FOUND || r.getMessageBufferList().isEmpty()) {
                            Map<String, Object> e = Json.obj();
                            e.put("topic", t.getKey());
                            e.put("queueId", qid);
                            e.put("queueOffset", off);
                            e.put("getStatus", r == null ? "NULL" : String.valueOf(r.getStatus()));
                            if (unit != null) {
                                e.put("cqCommitLogOffset", unit[0]);
                                e.put("cqSize", unit[1]);
                                e.put("tagsCode", unit[2]);
                            }
                            e.put("error", "message not found");
                            emit(e);
                            problems++;
                            continue;
                        }
                        Map<String, Object> m = describe(r.getMessageBufferList().get(0), unit);
                        m.put("getStatus", r.getStatus().name());
                        emit(m);
                        messages++;
                    } finally {
                        if (r != null) {
                            r.release();
                        }
                    }
                }
            }
        }
        Map<String, Object> sum = Json.obj();
        sum.put("summary", true);
        sum.put("command", command);
        @SuppressWarnings("unchecked")
        Map<String, Object> scan = (Map<String, Object>) o.before.get("commitLog");
        long before = (Long) scan.get("structuralEnd");
        // records as laid out on disk (magic + TOTALSIZE chain), i.e. what the writer left there;
        // before.commitLog.validEnd / .stop tell where full validation (CRC, length formula) stops
        sum.put("maxPhyOffsetBeforeRecovery", before);
        sum.put("validEndBeforeRecovery", scan.get("validEnd"));
        sum.put("maxPhyOffsetAfterRecovery", o.maxPhyAfterRecovery);
        sum.put("maxPhyOffset", store.getMaxPhyOffset());
        sum.put("minPhyOffset", store.getMinPhyOffset());
        sum.put("abortFileExistedAtStart", o.abortExisted);
        List<Object> clFiles = new ArrayList<>();
        for (File f : RawScan.queueFiles(new File(dir, "commitlog"))) {
            clFiles.add(f.getName());
        }
        sum.put("commitLogFiles", clFiles);
        sum.put("queues", queues);
        sum.put("messages", messages);
        sum.put("problems", problems);
        if (verify) {
            sum.put("truncatedBytes", before - o.maxPhyAfterRecovery);
            List<Object> cqCheck = new ArrayList<>();
            boolean cqOk = true;
            @SuppressWarnings("unchecked")
            List<Object> cqBefore = (List<Object>) o.before.get("consumeQueues");
            for (Object x : cqBefore) {
                @SuppressWarnings("unchecked")
                Map<String, Object> b = (Map<String, Object>) x;
                String topic = (String) b.get("topic");
                int qid = (Integer) b.get("queueId");
                long maxBefore = (Long) b.get("maxOffsetOnDisk");
                long maxAfter = store.getMaxOffsetInQueue(topic, qid);
                Map<String, Object> c = Json.obj();
                c.put("topic", topic);
                c.put("queueId", qid);
                c.put("maxOffsetBefore", maxBefore);
                c.put("maxOffsetAfter", maxAfter);
                cqCheck.add(c);
                if (maxAfter < maxBefore) {
                    cqOk = false;
                }
            }
            sum.put("consumeQueueCheck", cqCheck);
            sum.put("nothingTruncated", before == o.maxPhyAfterRecovery && cqOk);
        }
        store.shutdown();
        sum.put("shutDownNormal", shutDownNormal(store));
        sum.put("before", o.before);
        sum.putAll(stateAfter(dir));
        if (problems > 0) {
            exitCode = 3;
        }
        emit(sum);
    }

    // ------------------------------------------------------------------ query

    private static void doQuery(File dir, Map<String, Object> cfgMap, String topic, String key, long begin, long end)
        throws Exception {
        Opened o = open(dir, cfgMap);
        DefaultMessageStore store = o.store;
        QueryMessageResult r = store.queryMessage(topic, key, 64, begin, end);
        int count = 0;
        Map<String, Object> sum = Json.obj();
        try {
            if (r != null) {
                for (ByteBuffer b : r.getMessageBufferList()) {
                    MessageExt probe = MessageDecoder.decode(b.slice(), false, false, false);
                    long[] unit = probe == null ? null
                        : cqUnit(store, probe.getTopic(), probe.getQueueId(), probe.getQueueOffset());
                    if (unit != null && probe != null && unit[0] != probe.getCommitLogOffset()) {
                        unit = null; // not this record's unit (e.g. PREPARED records have none)
                    }
                    emit(describe(b, unit));
                    count++;
                }
                sum.put("indexLastUpdateTimestamp", r.getIndexLastUpdateTimestamp());
                sum.put("indexLastUpdatePhyoffset", r.getIndexLastUpdatePhyoffset());
            }
        } finally {
            if (r != null) {
                r.release();
            }
        }
        sum.put("summary", true);
        sum.put("command", "query");
        sum.put("topic", topic);
        sum.put("key", key);
        sum.put("begin", begin);
        sum.put("end", end);
        sum.put("count", count);
        sum.put("abortFileExistedAtStart", o.abortExisted);
        store.shutdown();
        sum.put("shutDownNormal", shutDownNormal(store));
        sum.put("abortFileExistsAfterShutdown", new File(dir, "abort").exists());
        emit(sum);
    }
}
