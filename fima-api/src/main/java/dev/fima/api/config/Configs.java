package dev.fima.api.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Loads typed job configurations. A configuration is a record with complete defaults; a YAML or
 * JSON file and then {@code key.path=value} overrides are laid over those defaults, and the result
 * is bound back to the record, whose constructor validates it. Every failure names the field by its
 * dotted path: an unknown field, a value of the wrong type, a value out of range.
 *
 * <pre>{@code
 * PretrainConfig cfg = Configs.load(PretrainConfig.defaults(), Path.of("ucf101.yaml"),
 *     List.of("optim.lr=0.02", "epochs=10"));
 * }</pre>
 */
public final class Configs {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          // 1.5 epochs must not quietly become 1.
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private static final ObjectMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          .build();

  private Configs() {}

  /**
   * Loads a configuration: defaults, then the file (if any), then the overrides.
   *
   * @param defaults the complete default configuration
   * @param file a YAML or JSON file, or {@code null}
   * @param overrides {@code dotted.path=value} strings; values are parsed as YAML scalars or flow
   *     sequences ({@code [1, 2]})
   * @param <T> the configuration record type
   * @return the validated configuration
   * @throws ConfigException naming the field when a field is unknown, mistyped or out of range
   * @throws DataException when the file cannot be read or parsed
   */
  public static <T> T load(T defaults, Path file, List<String> overrides) {
    return load(defaults, file == null ? null : readTree(file), file, overrides);
  }

  /**
   * Loads a configuration whose file is a class-path resource, such as the protocol files packaged
   * with the benchmark examples: defaults, then the resource, then the overrides.
   *
   * @param defaults the complete default configuration
   * @param resource the YAML or JSON resource ({@code Class.getResource})
   * @param overrides {@code dotted.path=value} strings, as for {@link #load(Object, Path, List)}
   * @param <T> the configuration record type
   * @return the validated configuration
   * @throws ConfigException naming the field when a field is unknown, mistyped or out of range
   * @throws DataException when the resource is missing or cannot be parsed
   */
  public static <T> T loadResource(T defaults, URL resource, List<String> overrides) {
    if (resource == null) {
      throw new DataException(Path.of("(class path)"), "configuration resource not found");
    }
    // Errors name the resource by its path inside the jar or class folder.
    Path source = Path.of(resource.getPath());
    try {
      try (JsonParser parser = YAML.createParser(resource)) {
        rejectDuplicateKeys(parser, source);
      }
      return load(defaults, YAML.readTree(resource), source, overrides);
    } catch (JsonProcessingException e) {
      throw new DataException(source, "not valid YAML or JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DataException(source, "cannot read: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T load(T defaults, JsonNode fromFile, Path source, List<String> overrides) {
    ObjectNode tree = JSON.valueToTree(defaults);
    if (fromFile != null && !fromFile.isNull() && !fromFile.isMissingNode()) {
      if (!fromFile.isObject()) {
        throw new DataException(source, "a configuration file must hold a mapping of fields");
      }
      merge(tree, (ObjectNode) fromFile, "");
    }
    for (String override : overrides) {
      applyOverride(tree, override);
    }
    return bind(tree, (Class<T>) defaults.getClass());
  }

  /**
   * Binds a tree to a configuration record, translating every binding failure to a {@link
   * ConfigException} that names the field.
   *
   * @param tree the configuration as a JSON tree
   * @param type the record type
   * @param <T> the record type
   * @return the validated configuration
   */
  public static <T> T bind(JsonNode tree, Class<T> type) {
    try {
      return JSON.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : "; known fields: "
                  + e.getKnownPropertyIds().stream()
                      .map(Object::toString)
                      .sorted()
                      .collect(Collectors.joining(", "));
      throw new ConfigException(path(e), "unknown field" + known);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      String parent = path(e);
      if (cause instanceof ConfigException ce) {
        throw parent.isEmpty() ? ce : ce.under(parent);
      }
      throw new ConfigException(
          parent.isEmpty() ? type.getSimpleName() : parent,
          cause == null ? e.getOriginalMessage() : cause.getMessage());
    } catch (InvalidFormatException e) {
      if (isIntegral(e.getTargetType()) && e.getValue() instanceof Number n) {
        throw new ConfigException(path(e), "must be an integer, got " + n);
      }
      throw new ConfigException(
          path(e),
          "cannot read '"
              + e.getValue()
              + "' as "
              + describe(e.getTargetType())
              + enumValues(e.getTargetType()));
    } catch (MismatchedInputException e) {
      throw new ConfigException(
          path(e), "expected " + describe(e.getTargetType()) + " (" + e.getOriginalMessage() + ")");
    } catch (JsonMappingException e) {
      throw new ConfigException(path(e), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException(type.getSimpleName(), e.getOriginalMessage());
    }
  }

  /**
   * Writes a configuration (or any result record) as indented JSON.
   *
   * @param value the value
   * @return the JSON text
   */
  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a configuration as YAML, the form users edit.
   *
   * @param value the value
   * @return the YAML text
   */
  public static String toYaml(Object value) {
    try {
      return YAML.writeValueAsString(JSON.valueToTree(value));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a JSON document written by {@link #toJson}, such as a configuration stored next to a
   * result or inside a checkpoint.
   *
   * @param json the JSON text
   * @param type the record type
   * @param <T> the record type
   * @return the bound and validated record
   */
  public static <T> T fromJson(String json, Class<T> type) {
    try {
      return bind(JSON.readTree(json), type);
    } catch (JsonProcessingException e) {
      throw new ConfigException(type.getSimpleName(), "malformed JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * Returns the shared JSON mapper, configured to reject unknown fields, for modules that write
   * results and descriptors.
   *
   * @return the mapper
   */
  public static ObjectMapper json() {
    return JSON;
  }

  private static JsonNode readTree(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file, "configuration file not found");
    }
    try {
      try (JsonParser parser = YAML.createParser(file.toFile())) {
        rejectDuplicateKeys(parser, file);
      }
      return YAML.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new DataException(file, "not valid YAML or JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DataException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Walks a document's tokens and fails on a key given twice in one mapping: YAML parsers keep the
   * last value silently, so a forgotten earlier line would otherwise override nothing the user
   * sees.
   */
  private static void rejectDuplicateKeys(JsonParser parser, Path source) throws IOException {
    Deque<Map<String, Integer>> mappings = new ArrayDeque<>();
    Deque<String> paths = new ArrayDeque<>();
    String pendingKey = "";
    for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
      switch (t) {
        case START_OBJECT, START_ARRAY -> {
          String parent = paths.isEmpty() ? "" : paths.peek();
          paths.push(parent.isEmpty() ? pendingKey : parent + "." + pendingKey);
          mappings.push(new HashMap<>());
          pendingKey = t == JsonToken.START_ARRAY ? "[]" : "";
        }
        case END_OBJECT, END_ARRAY -> {
          mappings.pop();
          paths.pop();
        }
        case FIELD_NAME -> {
          pendingKey = parser.currentName();
          int line = parser.currentTokenLocation().getLineNr();
          Integer first = mappings.peek().putIfAbsent(pendingKey, line);
          if (first != null) {
            String key = paths.peek().isEmpty() ? pendingKey : paths.peek() + "." + pendingKey;
            throw new DataException(
                source, "key '" + key + "' is given twice, on line " + first + " and line " + line);
          }
        }
        default -> {
          // Scalars need no check.
        }
      }
    }
  }

  private static void merge(ObjectNode target, ObjectNode source, String prefix) {
    Iterator<String> names = source.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      JsonNode value = source.get(name);
      JsonNode existing = target.get(name);
      if (existing != null && existing.isObject() && value.isObject()) {
        merge((ObjectNode) existing, (ObjectNode) value, prefix + name + ".");
      } else {
        // Unknown names are kept so that binding reports them with their full path.
        target.set(name, value);
      }
    }
  }

  private static void applyOverride(ObjectNode tree, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(override, "an override must look like field.path=value");
    }
    String path = override.substring(0, eq).trim();
    String raw = override.substring(eq + 1).trim();
    String[] parts = path.split("\\.");
    ObjectNode node = tree;
    StringBuilder walked = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      walked.append(i == 0 ? "" : ".").append(parts[i]);
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        throw new ConfigException(
            walked.toString(), child == null ? "unknown field" : "is not a group of fields");
      }
      node = (ObjectNode) child;
    }
    String leaf = parts[parts.length - 1];
    if (!node.has(leaf)) {
      throw new ConfigException(path, "unknown field");
    }
    node.set(leaf, parseScalar(path, raw));
  }

  private static JsonNode parseScalar(String path, String raw) {
    if (raw.isEmpty()) {
      return JSON.nullNode();
    }
    try {
      JsonNode parsed = YAML.readTree(raw);
      return parsed == null ? JSON.nullNode() : parsed;
    } catch (JsonProcessingException e) {
      throw new ConfigException(path, "cannot parse value '" + raw + "'");
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static boolean isIntegral(Class<?> type) {
    return type == int.class || type == Integer.class || type == long.class || type == Long.class;
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "a value";
    }
    if (isIntegral(type)) {
      return "an integer";
    }
    if (type == double.class || type == Double.class || type == float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of the names";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return type.getSimpleName();
  }

  private static String enumValues(Class<?> type) {
    if (type == null || !type.isEnum()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" ");
    for (Object c : type.getEnumConstants()) {
      sb.append(sb.length() == 1 ? "" : ", ").append(c.toString().toLowerCase());
    }
    return sb.toString();
  }
}
