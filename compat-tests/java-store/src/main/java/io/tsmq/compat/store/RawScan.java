package io.tsmq.compat.store;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Reads a store directory with plain NIO, without any RocketMQ class, following
 * /work/shared/protocol/STORE.md and MESSAGE.md. Used to describe a store *before* the Java
 * store opens (and possibly recovers / truncates) it, and to list what is left on disk after.
 */
final class RawScan {
    static final int MAGIC_V1 = 0xDAA320A7;
    static final int MAGIC_V2 = 0xDAA320AB;
    static final int MAGIC_BLANK = 0xCBD43194;

    private RawScan() {
    }

    /** Files of a mapped-file queue directory: regular files only, sorted by name. */
    static File[] queueFiles(File dir) {
        File[] fs = dir.listFiles(File::isFile);
        if (fs == null) {
            return new File[0];
        }
        Arrays.sort(fs, (a, b) -> a.getName().compareTo(b.getName()));
        return fs;
    }

    static long nameOffset(File f) {
        try {
            return Long.parseLong(f.getName());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static MappedByteBuffer mapRead(File f) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f, "r"); FileChannel ch = raf.getChannel()) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
    }

    /**
     * Walks the CommitLog like recovery would (every file, not only the last three), validating
     * magic, TOTALSIZE against the length formula, and the body CRC. Returns where the valid log
     * ends ("validEnd", "stop"), plus "structuralEnd": where the records end when only magic and
     * TOTALSIZE are followed (what the writer meant to be there; differs from validEnd when a
     * record in the middle is corrupt), and per-file details.
     */
    static Map<String, Object> scanCommitLog(File dir, long expectedFileSize) throws IOException {
        Map<String, Object> out = Json.obj();
        List<Object> files = new ArrayList<>();
        File[] fs = queueFiles(dir);
        long records = 0;
        long blanks = 0;
        long validEnd = fs.length == 0 ? 0 : Math.max(0, nameOffset(fs[0]));
        String stopReason = fs.length == 0 ? "no-files" : "end-of-files";
        String stopFile = null;
        long stopPos = -1;
        long expectStart = validEnd;
        boolean stopped = false;
        long structuralEnd = -1;
        for (int i = 0; i < fs.length && !stopped; i++) {
            File f = fs[i];
            Map<String, Object> fi = Json.obj();
            fi.put("name", f.getName());
            fi.put("size", f.length());
            files.add(fi);
            long start = nameOffset(f);
            if (start != expectStart) {
                stopReason = start < 0 ? "bad-file-name" : "gap-in-file-names";
                stopFile = f.getName();
                stopPos = 0;
                break;
            }
            if (expectedFileSize > 0 && f.length() != expectedFileSize) {
                fi.put("sizeMismatch", true);
            }
            MappedByteBuffer bb = mapRead(f);
            int pos = 0;
            long fileRecords = 0;
            int limit = bb.capacity();
            while (true) {
                if (pos + 8 > limit) {
                    // no room for even a BLANK: Java never leaves a file like this
                    stopReason = "file-end-without-blank";
                    stopFile = f.getName();
                    stopPos = pos;
                    validEnd = start + pos;
                    stopped = true;
                    break;
                }
                int total = bb.getInt(pos);
                int magic = bb.getInt(pos + 4);
                if (magic == MAGIC_BLANK) {
                    blanks++;
                    Map<String, Object> bl = Json.obj();
                    bl.put("pos", pos);
                    bl.put("totalSize", total);
                    bl.put("reachesFileEnd", pos + (long) total == limit);
                    fi.put("blank", bl);
                    if (i + 1 < fs.length) {
                        expectStart = start + limit;
                        validEnd = expectStart;
                    } else {
                        // Java's recovery stops at the BLANK's own position when no next file exists
                        validEnd = start + pos;
                        stopReason = "blank-in-last-file";
                        stopFile = f.getName();
                        stopPos = pos;
                        stopped = true;
                    }
                    break;
                }
                String bad = checkRecord(bb, pos, limit, total, magic);
                if (bad != null) {
                    stopReason = bad;
                    stopFile = f.getName();
                    stopPos = pos;
                    validEnd = start + pos;
                    stopped = true;
                    structuralEnd = structuralEnd(fs, i, pos);
                    break;
                }
                records++;
                fileRecords++;
                pos += total;
            }
            fi.put("records", fileRecords);
        }
        out.put("validEnd", validEnd);
        out.put("structuralEnd", structuralEnd < 0 ? validEnd : structuralEnd);
        out.put("records", records);
        out.put("blanks", blanks);
        Map<String, Object> stop = Json.obj();
        stop.put("reason", stopReason);
        stop.put("file", stopFile);
        stop.put("pos", stopPos);
        out.put("stop", stop);
        out.put("files", files);
        return out;
    }

    /** Continues from an invalid record following only magic + TOTALSIZE (and BLANKs to the next file). */
    private static long structuralEnd(File[] fs, int fileIdx, int startPos) throws IOException {
        long end = nameOffset(fs[fileIdx]) + startPos;
        int pos = startPos;
        for (int i = fileIdx; i < fs.length; i++) {
            long start = nameOffset(fs[i]);
            if (i > fileIdx) {
                if (start != end) {
                    return end;
                }
                pos = 0;
            }
            MappedByteBuffer bb = mapRead(fs[i]);
            int limit = bb.capacity();
            while (pos + 8 <= limit) {
                int total = bb.getInt(pos);
                int magic = bb.getInt(pos + 4);
                if (magic == MAGIC_BLANK && i + 1 < fs.length) {
                    end = start + limit;
                    break;
                }
                if ((magic != MAGIC_V1 && magic != MAGIC_V2) || total <= 0 || (long) pos + total > limit) {
                    return start + pos;
                }
                pos += total;
                end = start + pos;
            }
            if (pos + 8 > limit) {
                return end;
            }
        }
        return end;
    }

    /** null when the record at pos is valid, else a short reason. */
    static String checkRecord(ByteBuffer bb, int pos, int limit, int total, int magic) {
        if (magic != MAGIC_V1 && magic != MAGIC_V2) {
            return total == 0 && magic == 0 ? "zeros" : "bad-magic";
        }
        if (total <= 0 || (long) pos + total > limit) {
            return "bad-total-size";
        }
        try {
            int bodyCrc = bb.getInt(pos + 8);
            int sysFlag = bb.getInt(pos + 36);
            int bornHostLen = (sysFlag & 0x10) != 0 ? 20 : 8;
            int storeHostLen = (sysFlag & 0x20) != 0 ? 20 : 8;
            int p = pos + 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + bornHostLen + 8 + storeHostLen + 4 + 8;
            int bodyLen = bb.getInt(p);
            p += 4;
            if (bodyLen < 0 || p + bodyLen > pos + total) {
                return "bad-body-length";
            }
            if (bodyLen > 0) {
                byte[] body = new byte[bodyLen];
                bb.get(p, body);
                if (crc(body) != bodyCrc) {
                    return "bad-body-crc";
                }
            }
            p += bodyLen;
            int topicLen;
            int topicLenSize;
            if (magic == MAGIC_V2) {
                topicLen = bb.getShort(p);
                topicLenSize = 2;
            } else {
                topicLen = bb.get(p);
                topicLenSize = 1;
            }
            p += topicLenSize + topicLen;
            int propLen = bb.getShort(p);
            p += 2 + Math.max(0, propLen);
            int calc = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + bornHostLen + 8 + storeHostLen + 4 + 8
                + 4 + bodyLen + topicLenSize + topicLen + 2 + Math.max(0, propLen);
            if (calc != total) {
                return "length-formula-mismatch";
            }
            return null;
        } catch (IndexOutOfBoundsException e) {
            return "truncated-record";
        }
    }

    static int crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b, 0, b.length);
        return (int) (c.getValue() & 0x7FFFFFFF);
    }

    /** Per queue: logical max offset on disk (units up to the first invalid one), like CQ recovery. */
    static List<Object> scanConsumeQueues(File cqRoot) throws IOException {
        List<Object> out = new ArrayList<>();
        File[] topics = cqRoot.listFiles(File::isDirectory);
        if (topics == null) {
            return out;
        }
        Arrays.sort(topics, (a, b) -> a.getName().compareTo(b.getName()));
        for (File t : topics) {
            File[] qs = t.listFiles(File::isDirectory);
            if (qs == null) {
                continue;
            }
            List<File> numeric = new ArrayList<>();
            for (File q : qs) {
                if (q.getName().matches("\\d+")) {
                    numeric.add(q);
                }
            }
            numeric.sort((a, b) -> Integer.compare(Integer.parseInt(a.getName()), Integer.parseInt(b.getName())));
            for (File q : numeric) {
                out.add(scanOneQueue(t.getName(), Integer.parseInt(q.getName()), q));
            }
        }
        return out;
    }

    private static Map<String, Object> scanOneQueue(String topic, int queueId, File dir) throws IOException {
        Map<String, Object> m = Json.obj();
        m.put("topic", topic);
        m.put("queueId", queueId);
        File[] fs = queueFiles(dir);
        long endByte = 0;
        long maxPhysic = -1;
        long valid = 0;
        long fillers = 0;
        List<Object> names = new ArrayList<>();
        for (File f : fs) {
            names.add(f.getName());
            long start = nameOffset(f);
            MappedByteBuffer bb = mapRead(f);
            int pos = 0;
            boolean broke = false;
            for (; pos + 20 <= bb.capacity(); pos += 20) {
                long off = bb.getLong(pos);
                int size = bb.getInt(pos + 8);
                if (off >= 0 && size > 0) {
                    valid++;
                    if (size == Integer.MAX_VALUE && off == 0) {
                        fillers++;
                    } else {
                        maxPhysic = off + size;
                    }
                } else {
                    broke = true;
                    break;
                }
            }
            endByte = start + pos;
            if (broke) {
                break;
            }
        }
        m.put("maxOffsetOnDisk", endByte / 20);
        m.put("validUnits", valid);
        m.put("fillerUnits", fillers);
        m.put("maxPhysicOffsetOnDisk", maxPhysic);
        m.put("files", names);
        return m;
    }

    static Map<String, Object> readCheckpoint(File f) throws IOException {
        Map<String, Object> m = Json.obj();
        m.put("exists", f.exists());
        if (!f.exists()) {
            return m;
        }
        m.put("size", f.length());
        byte[] b = Files.readAllBytes(f.toPath());
        ByteBuffer bb = ByteBuffer.wrap(b);
        String[] names = {"physicMsgTimestamp", "logicsMsgTimestamp", "indexMsgTimestamp", "masterFlushedOffset",
            "confirmPhyOffset"};
        for (int i = 0; i < names.length; i++) {
            if (b.length >= (i + 1) * 8) {
                m.put(names[i], bb.getLong(i * 8));
            }
        }
        int nonZeroAfter40 = 0;
        for (int i = 40; i < b.length; i++) {
            if (b[i] != 0) {
                nonZeroAfter40++;
            }
        }
        m.put("nonZeroBytesAfter40", nonZeroAfter40);
        m.put("first40Hex", Hex.encode(b, 0, Math.min(40, b.length)));
        return m;
    }

    static List<Object> readIndexHeaders(File dir) throws IOException {
        List<Object> out = new ArrayList<>();
        for (File f : queueFiles(dir)) {
            Map<String, Object> m = Json.obj();
            m.put("name", f.getName());
            m.put("size", f.length());
            if (f.length() >= 40) {
                byte[] h = new byte[40];
                try (RandomAccessFile raf = new RandomAccessFile(f, "r")) {
                    raf.readFully(h);
                }
                ByteBuffer bb = ByteBuffer.wrap(h);
                m.put("beginTimestamp", bb.getLong(0));
                m.put("endTimestamp", bb.getLong(8));
                m.put("beginPhyOffset", bb.getLong(16));
                m.put("endPhyOffset", bb.getLong(24));
                m.put("hashSlotCount", bb.getInt(32));
                m.put("indexCount", bb.getInt(36));
            }
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> fileState(File f) throws IOException {
        Map<String, Object> m = Json.obj();
        m.put("exists", f.exists());
        if (f.exists() && f.isFile()) {
            m.put("size", f.length());
            byte[] b = Files.readAllBytes(f.toPath());
            if (b.length <= 256) {
                m.put("content", new String(b, StandardCharsets.UTF_8));
                m.put("contentHex", Hex.encode(b, 0, b.length));
            }
        }
        return m;
    }

    /** Every file under root (relative path, size), sorted. */
    static List<Object> listFiles(File root) throws IOException {
        List<Object> out = new ArrayList<>();
        if (!root.exists()) {
            return out;
        }
        Path base = root.toPath();
        List<Path> paths;
        try (Stream<Path> s = Files.walk(base)) {
            paths = s.filter(p -> !p.equals(base)).sorted().collect(java.util.stream.Collectors.toList());
        }
        for (Path p : paths) {
            Map<String, Object> m = Json.obj();
            String rel = base.relativize(p).toString().replace(File.separatorChar, '/');
            if (Files.isDirectory(p)) {
                m.put("path", rel + "/");
            } else {
                m.put("path", rel);
                m.put("size", Files.size(p));
            }
            out.add(m);
        }
        return out;
    }
}
