package dev.hourglass.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.CorruptDataException;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/** Serializers give back what they were given; the repository refuses no cookie value by throwing. */
class AttributeSerializerTest {

    private Store store;
    private HourglassSessionRepository repository;

    @BeforeProperty
    void open() {
        store = Hourglass.open("memory:");
        repository = HourglassSessionRepository.builder(store).build();
    }

    @AfterProperty
    void close() {
        repository.close();
        store.close();
    }

    @Property(tries = 200)
    void jsonKeepsStringsNumbersListsAndMaps(
            @ForAll String text,
            @ForAll long number,
            @ForAll @Size(max = 5) List<String> list,
            @ForAll @Size(max = 5) Map<String, Integer> map) {
        AttributeSerializer json = AttributeSerializer.json();
        assertThat(json.deserialize(json.serialize(text))).isEqualTo(text);
        assertThat(json.deserialize(json.serialize(number))).isEqualTo(number);
        assertThat(json.deserialize(json.serialize(list))).isEqualTo(list);
        assertThat(json.deserialize(json.serialize(map))).isEqualTo(map);
    }

    @Property(tries = 200)
    void jdkKeepsWhatItSerializes(@ForAll String text, @ForAll long number, @ForAll @Size(max = 5) List<String> list) {
        AttributeSerializer jdk = AttributeSerializer.jdk();
        assertThat(jdk.deserialize(jdk.serialize(text))).isEqualTo(text);
        assertThat(jdk.deserialize(jdk.serialize(number))).isEqualTo(number);
        assertThat(jdk.deserialize(jdk.serialize(new java.util.ArrayList<>(list))))
                .isEqualTo(list);
    }

    @Property(tries = 300)
    void anyCookieValueFindsNothingWithoutThrowing(@ForAll String id) {
        assertThat(repository.findById(id)).isNull();
        repository.deleteById(id);
    }

    @Property(tries = 50)
    void bytesThatAreNotAValueAreCorruptData(@ForAll @Size(max = 64) byte[] garbage) {
        byte[] notJson = new byte[garbage.length + 1];
        notJson[0] = '}';
        System.arraycopy(garbage, 0, notJson, 1, garbage.length);
        assertThatThrownBy(() -> AttributeSerializer.json().deserialize(notJson))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageNotContaining("Exception");
        byte[] notJdk = new byte[garbage.length + 1];
        notJdk[0] = 1;
        System.arraycopy(garbage, 0, notJdk, 1, garbage.length);
        assertThatThrownBy(() -> AttributeSerializer.jdk().deserialize(notJdk))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageNotContaining("Exception");
    }

    @Property(tries = 20)
    void anUnwritableValueIsRefusedNamingItsType(@ForAll String text) {
        Object notSerializable = new Object() {
            @Override
            public String toString() {
                return text;
            }
        };
        assertThatThrownBy(() -> AttributeSerializer.jdk().serialize(notSerializable))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be serialized");
        assertThatThrownBy(() -> AttributeSerializer.json().serialize(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no JSON form");
    }
}
