package dev.hourglass.chronicle;

import dev.hourglass.spi.Text;
import java.nio.charset.StandardCharsets;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;

/** UTF-8 straight into and out of off-heap bytes, without a byte[] in between. */
final class Utf8 {

    private Utf8() {}

    /** Writes {@code s} at {@code offset} and returns the number of bytes written. */
    static int write(BytesStore<?, ?> out, long offset, String s) {
        long p = offset;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out.writeByte(p++, (byte) c);
            } else if (c < 0x800) {
                out.writeByte(p++, (byte) (0xC0 | (c >> 6)));
                out.writeByte(p++, (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.writeByte(p++, (byte) (0xF0 | (cp >> 18)));
                out.writeByte(p++, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                out.writeByte(p++, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                out.writeByte(p++, (byte) (0x80 | (cp & 0x3F)));
            } else {
                out.writeByte(p++, (byte) (0xE0 | (c >> 12)));
                out.writeByte(p++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                out.writeByte(p++, (byte) (0x80 | (c & 0x3F)));
            }
        }
        return (int) (p - offset);
    }

    static String read(RandomDataInput in, long offset, int length) {
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            if (in.readByte(offset + i) < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            char[] cs = new char[length];
            for (int i = 0; i < length; i++) {
                cs[i] = (char) in.readByte(offset + i);
            }
            return new String(cs);
        }
        byte[] b = new byte[length];
        in.read(offset, b, 0, length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Reads {@code length} bytes of well-formed UTF-8 at {@code offset}; null when they are not. */
    static String readStrict(RandomDataInput in, long offset, int length) {
        byte[] b = new byte[length];
        in.read(offset, b, 0, length);
        return Text.decodeUtf8(b);
    }
}
