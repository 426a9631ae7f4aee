package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Session;
import dev.hourglass.StreamState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of everything store-redis decodes from Redis (session hashes, stream
 * metadata and messages, expiry index entries, script replies) and of the listing cursor: each
 * gives the value or {@link CorruptDataException} (the cursor: {@link IllegalArgumentException}
 * naming it), never another exception.
 */
class CodecFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void sessionReplies(FuzzedDataProvider data) {
        long now = data.consumeLong();
        boolean flat = data.consumeBoolean();
        try {
            Session s;
            if (flat) {
                s = Codec.session("s", reply(data, 0), now);
            } else {
                Codec.SessionReader reader = new Codec.SessionReader(data.consumeInt(0, 64));
                int fields = data.consumeInt(0, 32);
                for (int i = 0; i < fields; i++) {
                    reader.onKeyValue(field(data), data.consumeBytes(data.consumeInt(0, 64)));
                }
                s = reader.session("s", now);
            }
            if (s != null) {
                assertThat(s.expiresAt().toEpochMilli()).isGreaterThan(now);
            }
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "5s")
    void streamReplies(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 5);
        long now = data.consumeLong();
        try {
            switch (which) {
                case 0 -> {
                    Codec.Next n = Codec.next("q", reply(data, 0));
                    if (n != null) {
                        assertThat(n.poll().message().isPresent()).isEqualTo(n.count() == -1);
                    }
                }
                case 1 -> {
                    Map<byte[], byte[]> hash = new LinkedHashMap<>();
                    int fields = data.consumeInt(0, 32);
                    for (int i = 0; i < fields; i++) {
                        hash.put(field(data), data.consumeBytes(data.consumeInt(0, 64)));
                    }
                    StreamState st = Codec.streamState("q", hash, now);
                    if (st != null) {
                        assertThat(st.messageCount()).isNotNegative();
                        assertThat(st.expiresAt().toEpochMilli()).isGreaterThan(now);
                    }
                }
                case 2 ->
                    assertThat(Codec.message(1 + (now & 0xFFFF), data.consumeRemainingAsBytes(), "q")
                                    .sequence())
                            .isPositive();
                case 3 -> {
                    Codec.Swept swept = Codec.swept(reply(data, 0));
                    assertThat(swept.streams() >= 0 || swept.sessions().isEmpty())
                            .isTrue();
                }
                case 4 -> Codec.putReply("s", reply(data, 0), dev.hourglass.Attributes.empty(), now, now + 1);
                default -> Codec.casReply("s", reply(data, 0), dev.hourglass.Attributes.empty(), now);
            }
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "5s")
    void numbersAndText(byte[] input) {
        try {
            long n = Codec.parseLong(input, "number");
            assertThat(Codec.ascii(n)).isEqualTo(stripLeadingZeros(input));
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("stored number");
        }
        try {
            assertThat(Codec.utf8(Codec.text(input, "text"))).isEqualTo(input);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("stored text");
        }
    }

    @FuzzTest(maxDuration = "5s")
    void cursors(FuzzedDataProvider data) {
        int buckets = 1 << data.consumeInt(0, 14);
        String cursor = data.consumeRemainingAsString();
        try {
            RedisSessions.Cursor c = RedisSessions.Cursor.parse(cursor, buckets);
            assertThat(c.toString()).isEqualTo(cursor);
            assertThat(c.bucket()).isBetween(0, buckets - 1);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("cursor ");
        }
    }

    private static byte[] stripLeadingZeros(byte[] digits) {
        boolean negative = digits[0] == '-';
        int i = negative ? 1 : 0;
        while (i < digits.length - 1 && digits[i] == '0') {
            i++;
        }
        boolean zero = i == digits.length - 1 && digits[i] == '0';
        byte[] rest = java.util.Arrays.copyOfRange(digits, i, digits.length);
        if (!negative || zero) {
            return rest;
        }
        byte[] out = new byte[rest.length + 1];
        out[0] = '-';
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    /** A hash field name: often one of the store's own metadata or marker fields. */
    private static byte[] field(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> new byte[] {Codec.META, data.pickValue(new byte[] {'e', 'c', 'a', 'v', 's', 'r', 'n', 'x'})};
            case 1 -> {
                byte[] name = data.consumeBytes(data.consumeInt(0, 16));
                byte[] marker = new byte[name.length + 1];
                marker[0] = Codec.MARKER;
                System.arraycopy(name, 0, marker, 1, name.length);
                yield marker;
            }
            default -> data.consumeBytes(data.consumeInt(0, 32));
        };
    }

    /** A reply as lettuce's MULTI output gives it: bulk strings, integers, nils and nested arrays. */
    private static List<Object> reply(FuzzedDataProvider data, int depth) {
        int size = data.consumeInt(0, 12);
        List<Object> r = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            switch (data.consumeInt(0, depth < 2 ? 4 : 3)) {
                case 0 -> r.add(data.consumeBytes(data.consumeInt(0, 40)));
                case 1 -> r.add(Codec.ascii(data.consumeLong()));
                case 2 -> r.add(data.consumeLong());
                case 3 -> r.add(null);
                default -> r.add(reply(data, depth + 1));
            }
        }
        return r;
    }
}
