package dev.hourglass.spring.session;

import dev.hourglass.CorruptDataException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Java serialization. Reads are bounded (depth, array length, references, bytes) so that stored
 * bytes cannot make a read run away; classes are resolved by the given loader or the thread's. A class that
 * cannot be loaded or linked (on this JDK or class path) makes the value unreadable, like any damage.
 */
final class JdkAttributeSerializer implements AttributeSerializer {

    private static final ObjectInputFilter LIMITS =
            ObjectInputFilter.Config.createFilter("maxdepth=64;maxrefs=100000;maxarray=10000000;maxbytes=67108864");

    private final ClassLoader classLoader;

    JdkAttributeSerializer(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public byte[] serialize(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (ObjectOutputStream o = new ObjectOutputStream(out)) {
            o.writeObject(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "a session attribute of type "
                            + (value == null ? "null" : value.getClass().getSimpleName())
                            + " cannot be serialized: " + e.getMessage(),
                    e);
        }
        return out.toByteArray();
    }

    @Override
    public Object deserialize(byte[] bytes) {
        ClassLoader loader =
                classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
        try (ObjectInputStream in = new Input(new ByteArrayInputStream(bytes), loader)) {
            in.setObjectInputFilter(LIMITS);
            return in.readObject();
        } catch (IOException | ClassNotFoundException | RuntimeException | StackOverflowError | LinkageError e) {
            throw new CorruptDataException(
                    "a stored session attribute does not deserialize (" + bytes.length + " bytes)", e);
        }
    }

    private static final class Input extends ObjectInputStream {
        private final ClassLoader loader;

        Input(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader == null) {
                return super.resolveClass(desc);
            }
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
