package io.tsmq.compat.store;

/** Upper-case hex, the way RocketMQ renders message ids. */
final class Hex {
    private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();

    private Hex() {
    }

    static String encode(byte[] b) {
        return b == null ? "" : encode(b, 0, b.length);
    }

    static String encode(byte[] b, int off, int len) {
        char[] c = new char[len * 2];
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xFF;
            c[i * 2] = DIGITS[v >>> 4];
            c[i * 2 + 1] = DIGITS[v & 0x0F];
        }
        return new String(c);
    }

    static byte[] decode(String s) {
        String t = s.replaceAll("\\s+", "");
        if ((t.length() & 1) != 0) {
            throw new IllegalArgumentException("odd-length hex string");
        }
        byte[] b = new byte[t.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(t.charAt(i * 2), 16);
            int lo = Character.digit(t.charAt(i * 2 + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("bad hex digit near index " + (i * 2));
            }
            b[i] = (byte) ((hi << 4) | lo);
        }
        return b;
    }
}
