package dev.hourglass;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hourglass.contract.BoundaryContract;

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
        assertThat(Attributes.fromStoredValues(a.toStoredValues()).toBytes()).isEqualTo(bytes);
        assertThat(a.names()).hasSize(a.size());
        long size = 0;
        for (String name : a.names()) {
            size += name.getBytes(UTF_8).length + a.getBytes(name).length;
        }
        BoundaryContract.readsByType(a);
        assertThat(a.byteSize()).isEqualTo(size);
        assertThat(Attributes.fromBytes(a.toBytes())).isEqualTo(a);
    }
}
