package io.qaflow.web;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads a JSON request body strictly and completely: the size is bounded, types are not coerced ({@code "5"} is not a
 * number, {@code 5} is not a string), duplicate and unknown fields are rejected, and every problem is reported as a
 * {@link FieldError} naming the field's path. Bean Validation constraints on the target record run afterwards. Every
 * rejection is a {@link RequestBodyException}, which each service turns into its problem document.
 */
public final class JsonBodyReader {
    private static final String UNKNOWN_FIELDS = JsonBodyReader.class.getName() + ".unknownFields";

    private final JsonMapper mapper;
    private final Validator validator;

    public JsonBodyReader(Validator validator) {
        this.validator = validator;
        this.mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addHandler(new UnknownFieldCollector())
                .build();
    }

    /** The body as a JSON tree; fails with 413 above {@code maxBytes}, 400 when empty or not JSON. */
    public Mono<JsonNode> readTree(ServerHttpRequest request, long maxBytes) {
        return readBytes(request, maxBytes).map(this::parse);
    }

    /** The body bound to {@code type} and validated. */
    public <T> Mono<T> read(ServerHttpRequest request, long maxBytes, Class<T> type) {
        return readTree(request, maxBytes).map(tree -> bind(tree, type));
    }

    /** Binds a JSON tree to {@code type} and validates it; every problem found becomes one {@link FieldError}. */
    public <T> T bind(JsonNode tree, Class<T> type) {
        if (!tree.isObject()) {
            throw RequestBodyException.invalid("body", "must be a JSON object");
        }
        List<String> unknown = new ArrayList<>();
        T value;
        try {
            value = mapper.readerFor(type).withAttribute(UNKNOWN_FIELDS, unknown).readValue(tree);
        } catch (MismatchedInputException e) {
            throw RequestBodyException.invalid(path(e.getPath()), expected(e.getTargetType()));
        } catch (InputCoercionException e) {
            throw RequestBodyException.invalid(path(e.getPath()), "is out of range");
        } catch (JacksonException e) {
            throw RequestBodyException.invalid(path(e.getPath()), "is invalid: " + e.getOriginalMessage());
        }
        List<FieldError> errors = new ArrayList<>();
        unknown.forEach(field -> errors.add(new FieldError(field, "is not a known field")));
        errors.addAll(violations(validator.validate(value)));
        if (!errors.isEmpty()) {
            throw RequestBodyException.invalid(errors);
        }
        return value;
    }

    private Mono<byte[]> readBytes(ServerHttpRequest request, long maxBytes) {
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(RequestBodyException.tooLarge(maxBytes));
        }
        return DataBufferUtils.join(request.getBody(), (int) Math.min(maxBytes, Integer.MAX_VALUE))
                .map(JsonBodyReader::drain)
                .onErrorMap(DataBufferLimitException.class, e -> RequestBodyException.tooLarge(maxBytes))
                .filter(bytes -> bytes.length > 0)
                .switchIfEmpty(Mono.error(() -> RequestBodyException.invalid("body", "a JSON body is required")));
    }

    private static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode tree = mapper.readTree(body);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw RequestBodyException.invalid("body", "a JSON body is required");
            }
            return tree;
        } catch (MismatchedInputException e) {
            throw RequestBodyException.invalid("body", "must be a single JSON value, with nothing after it");
        } catch (StreamReadException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw RequestBodyException.invalid("body", "is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw RequestBodyException.invalid("body", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static List<FieldError> violations(Collection<? extends ConstraintViolation<?>> violations) {
        return violations.stream()
                .map(v -> new FieldError(path(v.getPropertyPath()), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::message))
                .toList();
    }

    private static String path(Path propertyPath) {
        StringBuilder path = new StringBuilder();
        for (Path.Node node : propertyPath) {
            if (node.isInIterable()) {
                path.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            if (node.getKind() == ElementKind.PROPERTY && node.getName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static String path(TokenStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + c.getCurrentIndex() + "]");
            } else if (c.currentName() != null) {
                parts.addFirst("." + c.currentName());
            }
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be an integer";
        }
        if (Number.class.isAssignableFrom(type)) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || JsonNode.class.isAssignableFrom(type)) {
            return "must be an object";
        }
        return "has the wrong type";
    }

    /** Notes every unknown field (all of them, not only the first) and skips its value. */
    private static final class UnknownFieldCollector extends DeserializationProblemHandler {
        @Override
        @SuppressWarnings("unchecked")
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                             ValueDeserializer<?> deserializer, Object beanOrClass,
                                             String propertyName) {
            Object unknown = ctxt.getAttribute(UNKNOWN_FIELDS);
            if (!(unknown instanceof List<?>)) {
                return false;
            }
            TokenStreamContext context = p.streamReadContext();
            if (p.currentToken() != null && p.currentToken().isStructStart()) {
                context = context.getParent(); // positioned on the value's own object or array
            }
            ((List<String>) unknown).add(path(context));
            p.skipChildren();
            return true;
        }
    }
}
