package dev.hourglass.chronicle;

import static dev.hourglass.chronicle.Records.S_ACCESSED;
import static dev.hourglass.chronicle.Records.S_CREATED;
import static dev.hourglass.chronicle.Records.S_DUE;
import static dev.hourglass.chronicle.Records.S_EXPIRES;
import static dev.hourglass.chronicle.Records.S_HEADER;
import static dev.hourglass.chronicle.Records.S_VERSION;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Message;
import dev.hourglass.chronicle.ChronicleSettings.Layout;
import dev.hourglass.spi.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;

/**
 * The store's decoders of stored bytes, run the way the store runs them, for property tests and fuzz
 * targets. Chronicle's memory is read without bounds checks, so each value is placed between filler
 * bytes and decoded twice with different filler: an outcome that depends on the filler read outside
 * the value. Each decoder returns a description of the value or throws CorruptDataException; anything
 * else, and any broken invariant, is an AssertionError or the exception itself.
 */
final class Decoders {

    static final int GAP = 64;
    static final int MAX_BYTES = 4096;
    static final Layout LAYOUT = new Layout(1000, 256, MAX_BYTES, 100, 1000, 256, MAX_BYTES, 64);
    static final int MAX_SESSION = Records.maxSessionRecord(MAX_BYTES);
    static final int MAX_HEADER = Records.maxStreamRecord(LAYOUT);
    static final int MAX_MESSAGE = Records.maxMessageRecord(MAX_BYTES);

    private Decoders() {}

    /** Where a value under test lies. */
    record Placed(RandomDataInput in, long off, long size) {}

    /** The decoder's outcome on {@code data}: "value ..." or "corrupt ...", the same whatever lies around it. */
    static String outcome(byte[] data, Function<Placed, String> decoder) {
        String a = run(data, (byte) 0, decoder);
        String b = run(data, (byte) 0xA5, decoder);
        if (!a.equals(b)) {
            throw new AssertionError("the outcome depends on bytes outside the value: " + a + " / " + b);
        }
        return a;
    }

    private static String run(byte[] data, byte filler, Function<Placed, String> decoder) {
        byte[] all = new byte[data.length + 2 * GAP];
        Arrays.fill(all, filler);
        System.arraycopy(data, 0, all, GAP, data.length);
        try {
            return "value " + decoder.apply(new Placed(BytesStore.wrap(all), GAP, data.length));
        } catch (CorruptDataException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new AssertionError("a CorruptDataException without a message", e);
            }
            return "corrupt " + e.getMessage();
        }
    }

    /** A session value as {@code get} reads it: header fields, then the attributes, every value parsed. */
    static String session(Placed p) {
        int length = Records.sessionAttributeLength("s", p.size(), MAX_SESSION);
        long off = p.off();
        RandomDataInput in = p.in();
        String fields = in.readLong(off + S_EXPIRES) + "/" + in.readLong(off + S_ACCESSED) + "/"
                + in.readLong(off + S_VERSION) + "/" + in.readLong(off + S_CREATED) + "/" + in.readLong(off + S_DUE);
        byte[] buffer = new byte[length];
        in.read(off + S_HEADER, buffer, 0, length);
        Attributes a = ChronicleSessions.decode("s", buffer, length);
        StringBuilder sb = new StringBuilder(fields);
        for (String name : a.names()) {
            sb.append(' ').append(name).append('=').append(HexFormat.of().formatHex(a.getBytes(name)));
        }
        return sb.toString();
    }

    /**
     * The in-place walk over a session's attribute names that decides whether a replaced session is
     * decoded for its indexed values: on every form that decodes it agrees with the decoded names.
     */
    static String indexedNames(Placed p) {
        boolean walk = IndexEntries.namesIndexed(p.in(), p.off(), p.off() + p.size());
        byte[] b = new byte[(int) p.size()];
        p.in().read(p.off(), b, 0, b.length);
        Attributes a;
        try {
            a = Attributes.fromBytes(b);
        } catch (CorruptDataException e) {
            return "walk " + walk + " over bytes that are no attribute form";
        }
        boolean any = a.names().stream().anyMatch(dev.hourglass.spi.SessionIndex::indexed);
        if (walk != any) {
            throw new AssertionError("the walk says " + walk + " of names " + a.names());
        }
        return "walk " + walk;
    }

    /**
     * A stream header, decoded whole and in the in-place ways: a header that decodes re-encodes to the
     * very same bytes, and each reader is found where the whole decode put it.
     */
    static String streamHeader(Placed p) {
        Records.checkStream("t", p.size(), MAX_HEADER);
        String reason = null;
        try {
            reason = StreamHeader.reason("t", p.in(), p.off(), p.size());
        } catch (CorruptDataException e) {
            // the whole decode below must refuse it too
        }
        Long missing = null;
        try {
            missing = StreamHeader.readerOffset("t", p.in(), p.off(), p.size(), new byte[Records.MAX_ID_BYTES + 1]);
        } catch (CorruptDataException e) {
            // the whole decode below must refuse it too
        }
        StreamHeader h = StreamHeader.read("t", p.in(), p.off(), p.size());
        if (missing == null || missing != -1 || reason == null) {
            throw new AssertionError("a header that decodes whole failed an in-place read: " + missing + " " + reason);
        }
        byte[] encoded = h.encode();
        byte[] stored = new byte[(int) p.size()];
        p.in().read(p.off(), stored, 0, stored.length);
        if (!Arrays.equals(encoded, stored)) {
            throw new AssertionError("a decoded header re-encodes differently");
        }
        if (!reason.equals(new String(h.reason(), StandardCharsets.UTF_8))) {
            throw new AssertionError("the in-place reason differs from the decoded one");
        }
        for (StreamHeader.Reader r : h.readers()) {
            long at = StreamHeader.readerOffset("t", p.in(), p.off(), p.size(), r.name());
            if (at < p.off() || at + 8 > p.off() + p.size() || p.in().readLong(at) != r.marker()) {
                throw new AssertionError("reader marker found at " + at + " does not hold " + r.marker());
            }
        }
        return h.expiresAt() + "/" + h.createdAt() + "/" + h.count() + "/" + h.due() + "/" + h.status() + "/"
                + HexFormat.of().formatHex(h.metadata()) + "/" + h.markers();
    }

    /** A message value as {@code next} reads it. */
    static String message(Placed p) {
        Message m = Records.message("t", 1, p.in(), p.off(), p.size(), MAX_MESSAGE);
        return m.timestamp() + " " + HexFormat.of().formatHex(m.payload());
    }

    /** A message key as the repair reads it. */
    static String messageKey(Placed p) {
        Records.MessageKey k = Records.messageKey(p.in(), p.off(), p.size());
        if (k != null
                && (k.seq() < 1
                        || k.stream().isEmpty()
                        || k.stream().getBytes(StandardCharsets.UTF_8).length + 8 != p.size())) {
            throw new AssertionError("a message key decoded inexactly: " + k);
        }
        return String.valueOf(k);
    }

    /** The stored layout as a store reads it when it opens a directory. */
    static String layout(byte[] data) {
        try {
            Layout l = Layout.parse("layout.properties", data);
            if (l.averageSessionBytes() > l.maxSessionBytes() || l.maxSessions() < 1 || l.maxMessageBytes() < 16) {
                throw new AssertionError("a layout out of range was accepted: " + l);
            }
            return "value " + l;
        } catch (CorruptDataException e) {
            return "corrupt " + e.getMessage();
        }
    }

    /** What one pass over an expiry index file handed on. */
    record Drained(List<String> records, ExpiryLog.Pass pass) {}

    /**
     * One file of the expiry index holding {@code data} (at least its header), drained as the
     * sweeper drains it: every record handed on has a known type and an id of an id's length.
     */
    static Drained expiryFile(byte[] data, int limit) {
        byte[] file = Arrays.copyOf(data, Math.max(data.length, ExpiryLog.HEADER));
        byte[] all = Arrays.copyOf(file, file.length + GAP);
        Arrays.fill(all, file.length, all.length, (byte) 0x01);
        BytesStore<?, ?> bytes = BytesStore.wrap(all);
        List<String> records = new ArrayList<>();
        ExpiryLog.Pass pass = ExpiryLog.drainFile(
                bytes,
                file.length,
                limit,
                (type, id) -> {
                    if ((type != ExpiryLog.SESSION && type != ExpiryLog.STREAM && type != ExpiryLog.LIMITER)
                            || id.isEmpty()
                            || Text.utf8Length(id) > Records.MAX_ID_BYTES * 3) {
                        throw new AssertionError("handed on a record of type " + type + " and id '" + id + "'");
                    }
                    records.add(type + ":" + id);
                    return records.size() % 2 == 0;
                },
                0);
        if (pass.position < 0 || pass.position > file.length || records.size() > file.length / 4) {
            throw new AssertionError("the pass ended at " + pass.position + " after " + records.size() + " records");
        }
        for (int i = file.length; i < all.length; i++) {
            if (all[i] != 0x01) {
                throw new AssertionError("the pass wrote past the end of the file, at " + i);
            }
        }
        return new Drained(records, pass);
    }

    /**
     * A journal file holding {@code data}, read as the repair reads a dead process's journal: every
     * record handed on fits the sizes given, and deciding whether to replay it never throws.
     */
    static List<Journal.Entry> journal(Path file, byte[] data) {
        try {
            Files.write(file, data);
            List<Journal.Entry> entries = new ArrayList<>();
            int maxKey = Records.MAX_ID_BYTES + 8;
            int maxValue = Math.max(MAX_SESSION, Math.max(MAX_HEADER, MAX_MESSAGE));
            int damaged = Journal.readActive(file, maxKey, maxValue, e -> {
                if (e.map() < Records.SESSIONS
                        || e.map() > Records.MESSAGES
                        || e.key().length < 1
                        || e.key().length > maxKey
                        || e.value().length > maxValue) {
                    throw new AssertionError("handed on a record out of range: " + e.map() + " " + e.key().length + " "
                            + e.value().length);
                }
                if (e.replayable(LAYOUT) && e.map() != Records.MESSAGES && e.id() == null) {
                    throw new AssertionError("a record without an id is replayable");
                }
                entries.add(e);
            });
            if (damaged < 0 || entries.size() + damaged > Math.max(1, data.length / 4096 + 1)) {
                throw new AssertionError(
                        entries.size() + " records and " + damaged + " damaged in " + data.length + " bytes");
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
