package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed golden frames (compat-tests/golden/<version>/) are exactly what this RocketMQ version's
 * RemotingCommand produces, and every committed frame decodes to what its MANIFEST.json says.
 */
class GoldenFramesTest {
    static final Path GOLDEN = Paths.get(System.getProperty("golden.dir", "../golden")).toAbsolutePath().normalize();

    @Test
    void committedGoldenFramesMatchTheRealEncoder() throws Exception {
        Path dir = GOLDEN.resolve(GoldenFrames.clientVersion());
        Assumptions.assumeTrue(Files.isDirectory(dir), "no golden frames for " + GoldenFrames.clientVersion());
        Map<String, String> files = GoldenFrames.render(GoldenFrames.generate());
        List<String> diffs = GoldenFrames.compare(dir, files);
        assertTrue(diffs.isEmpty(), "regenerate with compat-tests/golden/generate.sh: " + diffs);
    }

    @Test
    void framesAreSelfConsistent() throws Exception {
        for (GoldenFrames.Frame f : GoldenFrames.generate()) {
            byte[] b = f.bytes();
            ByteBuffer bb = ByteBuffer.wrap(b);
            int length = bb.getInt();
            int word = bb.getInt();
            assertEquals(b.length - 4, length, f.file() + ": length field");
            assertEquals(f.type().getCode(), (byte) (word >>> 24), f.file() + ": serialize type byte");
            int headerLength = word & 0xFFFFFF;
            int bodyLength = length - 4 - headerLength;
            byte[] body = f.decoded().getBody();
            assertEquals(bodyLength, body == null ? 0 : body.length, f.file() + ": body length");
            RemotingCommand again = RemotingCommand.decode(ByteBuffer.wrap(b, 4, b.length - 4).slice());
            assertEquals(f.decoded().getOpaque(), again.getOpaque(), f.file());
        }
    }
}
