package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Stored index entries are bounds-checked before they are read: any bytes after an entry's header
 * give the ids they hold or {@link CorruptDataException}, and a write that sets the value again
 * replaces a damaged entry.
 */
class IndexEntryDecodePropertiesTest {

    private static final String NAME = Sessions.INDEX_PREFIX + "principal";
    private static Path dir;
    private static Store store;

    @BeforeContainer
    static void open() throws IOException {
        dir = Files.createTempDirectory("hourglass-index-decode");
        store = Hourglass.open("chronicle:" + dir + "?maxSessions=5000&maxStreams=10&maxMessages=100");
    }

    @AfterContainer
    static void close() {
        store.close();
    }

    @Property(tries = 300)
    void anyStoredEntryDecodesOrIsCorruptData(@ForAll @Size(max = 80) byte[] body, @ForAll boolean validCount) {
        Sessions sessions = store.sessions();
        String value = "v" + System.nanoTime();
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(Records.S_HEADER + 4 + body.length).order(ByteOrder.nativeOrder());
        b.putLong(Records.S_EXPIRES, IndexEntries.NEVER);
        b.putLong(Records.S_DUE, IndexEntries.NEVER);
        b.position(Records.S_HEADER);
        b.putInt(validCount ? 1 : body.length);
        b.put(body);
        StoreDirectory.attached(dir).sessions.put(IndexEntries.key(NAME, v), b.array());
        try {
            Map<String, Session> found = sessions.findByIndex("principal", value);
            assertThat(found).isEmpty();
            Statistics.label("outcome").collect("decoded");
        } catch (CorruptDataException e) {
            assertThat(e.getMessage()).contains("session index entry");
            Statistics.label("outcome").collect("corrupt");
        }
        Session s = sessions.create(Attributes.empty().with(NAME, value), Duration.ofHours(1));
        assertThat(sessions.findByIndex("principal", value)).containsOnlyKeys(s.id());
        sessions.delete(s.id());
        assertThat(sessions.findByIndex("principal", value)).isEmpty();
    }
}
