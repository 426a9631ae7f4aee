package dev.hourglass.spring.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hourglass.CorruptDataException;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the decoders of stored attribute values: any bytes give a value or
 * {@link CorruptDataException}, nothing else. The first byte chooses the serializer.
 */
class AttributeSerializerFuzzTest {

    private static final AttributeSerializer JSON = AttributeSerializer.json();
    private static final AttributeSerializer JDK = AttributeSerializer.jdk();

    @FuzzTest(maxDuration = "5s")
    void deserialize(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        AttributeSerializer s = (input[0] & 1) == 0 ? JSON : JDK;
        try {
            s.deserialize(rest);
        } catch (CorruptDataException expected) {
            if (expected.getMessage().contains("Exception")) {
                throw new AssertionError("message names a class: " + expected.getMessage());
            }
        }
    }
}
