package dev.ha4j.core.internal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ha4j.core.Secret;
import java.io.IOException;

/**
 * The one Jackson configuration of ha4j: records by their fields, ISO-8601 instants and durations, Optional
 * support, {@link Secret} always written as {@code "******"}, and the type names of the engine's events and
 * commands ({@link dev.ha4j.core.journal.EngineJsonModule}). No compatibility promise.
 *
 * <p>Thread-safe: the mapper is configured once and only read afterwards.
 */
public final class Json {
    private static final ObjectMapper MAPPER = create();

    private Json() {
    }

    /** @return the shared mapper; do not reconfigure it */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper create() {
        SimpleModule secrets = new SimpleModule("ha4j-secrets");
        secrets.addSerializer(Secret.class, new StdSerializer<>(Secret.class) {
            @Override
            public void serialize(Secret value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        ObjectMapper m = new ObjectMapper();
        m.registerModule(new JavaTimeModule());
        m.registerModule(new Jdk8Module());
        m.registerModule(secrets);
        // The engine's events and commands carry no Jackson annotations: their type names come from mix-ins.
        m.registerModule(new dev.ha4j.core.journal.EngineJsonModule());
        m.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
        m.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        m.setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY);
        m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        m.disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        m.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.setSerializationInclusion(JsonInclude.Include.ALWAYS);
        return m;
    }
}
