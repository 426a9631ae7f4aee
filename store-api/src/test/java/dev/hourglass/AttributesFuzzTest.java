package dev.hourglass;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the decoder of stored attribute bytes: any bytes give attributes
 * (whose form is exactly the canonical one, and whose values read back as text or corrupt data) or
 * {@link CorruptDataException}, never another exception.
 */
class AttributesFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void fromBytes(byte[] bytes) {
        Attributes a;
        try {
            a = Attributes.fromBytes(bytes);
        } catch (CorruptDataException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(a.toBytes()).isEqualTo(bytes);
        assertThat(Attributes.of(a.toMap()).toBytes()).isEqualTo(bytes);
        assertThat(a.names()).hasSize(a.size());
        long size = 0;
        for (String name : a.names()) {
            byte[] v = a.bytes(name);
            size += name.getBytes(UTF_8).length + v.length;
            try {
                assertThat(a.string(name).getBytes(UTF_8)).isEqualTo(v);
            } catch (CorruptDataException e) {
                assertThat(e.getMessage()).contains("UTF-8");
            }
            try {
                a.getLong(name, 0);
            } catch (CorruptDataException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThat(a.byteSize()).isEqualTo(size);
        assertThat(Attributes.fromBytes(a.toBytes())).isEqualTo(a);
    }
}
