package dev.fima.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.ConfigException;
import java.io.Serializable;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Configures a job in Java, typed and without strings: start from a complete configuration (usually
 * {@code defaults()}), name each field to change by its record accessor, and build.
 *
 * <pre>{@code
 * LinearProbeConfig probe =
 *     ConfigBuilder.of(LinearProbeConfig.defaults())
 *         .set(LinearProbeConfig::backbone, "runs/pretrain/backbone")
 *         .set(LinearProbeConfig::epochs, 50)
 *         .edit(LinearProbeConfig::data, d -> d.set(DataConfig::root, "my-videos"))
 *         .build();
 * }</pre>
 *
 * <p>It works for every configuration record, and a field added to a record needs no change here:
 * the accessor names the field, and {@link #build()} binds the result exactly as {@link Configs}
 * binds a file and {@code --set} overrides, through the records' compact constructors. Validation
 * therefore stays in the records, runs once on the finished configuration (so fields checked
 * against each other can be changed in any order), and an error names the field by its dotted path,
 * as on the command line ({@code data.split: must be in [1, 3], got 5}).
 *
 * <p>A value has exactly the field's type, checked by the compiler: {@code 7L} for a {@code long},
 * {@code 1.0} for a {@code double}, the enum constant for an enum, a {@code List} of the element
 * type for a list. A nested record is changed field by field with {@link #edit}, or replaced whole
 * with {@link #set(Field, Record)}.
 *
 * @param <R> the configuration record type
 */
public final class ConfigBuilder<R extends Record> {

  /**
   * A field of a configuration record, given as its accessor: {@code LinearProbeConfig::epochs}.
   * Only method references to the record's own accessors are accepted (not lambdas), because the
   * field is found from the reference's name.
   *
   * @param <R> the record type
   * @param <V> the field's type
   */
  @FunctionalInterface
  public interface Field<R, V> extends Function<R, V>, Serializable {}

  private final Class<R> type;
  private final ObjectNode tree;

  private ConfigBuilder(Class<R> type, ObjectNode tree) {
    this.type = type;
    this.tree = tree;
  }

  /**
   * Starts from a complete configuration; it is not changed.
   *
   * @param start the configuration to start from, e.g. {@code LinearProbeConfig.defaults()}
   * @param <R> the record type
   * @return the builder
   */
  @SuppressWarnings("unchecked")
  public static <R extends Record> ConfigBuilder<R> of(R start) {
    return new ConfigBuilder<>((Class<R>) start.getClass(), Configs.json().valueToTree(start));
  }

  /**
   * Sets a field holding a single value: a string, number, boolean or enum constant.
   *
   * @param field the field's accessor, e.g. {@code LinearProbeConfig::epochs}
   * @param value the new value
   * @param <V> the field's type
   * @return this builder
   */
  public <V extends Comparable<? super V>> ConfigBuilder<R> set(Field<R, V> field, V value) {
    return put(field, value);
  }

  /**
   * Replaces a nested configuration record whole.
   *
   * @param field the field's accessor, e.g. {@code LinearProbeConfig::data}
   * @param value the new record
   * @param <V> the record type of the field
   * @return this builder
   */
  public <V extends Record> ConfigBuilder<R> set(Field<R, V> field, V value) {
    return put(field, value);
  }

  /**
   * Sets a list field.
   *
   * @param field the field's accessor, e.g. {@code LinearProbeConfig::lrGrid}
   * @param value the new list
   * @param <E> the element type
   * @return this builder
   */
  public <E> ConfigBuilder<R> set(Field<R, List<E>> field, List<E> value) {
    return put(field, value);
  }

  /**
   * Changes fields of a nested configuration record, keeping its other fields.
   *
   * @param group the nested record's accessor, e.g. {@code LinearProbeConfig::data}
   * @param change sets the nested fields on a builder of the nested record
   * @param <V> the nested record type
   * @return this builder
   * @throws IllegalStateException when the nested record is {@code null}: {@link #set(Field,
   *     Record)} it first
   */
  public <V extends Record> ConfigBuilder<R> edit(
      Field<R, V> group, Consumer<ConfigBuilder<V>> change) {
    RecordComponent component = component(group);
    JsonNode nested = tree.get(component.getName());
    if (!(nested instanceof ObjectNode object)) {
      throw new IllegalStateException(
          type.getSimpleName() + "." + component.getName() + " is null: set it whole first");
    }
    @SuppressWarnings("unchecked")
    Class<V> nestedType = (Class<V>) component.getType();
    change.accept(new ConfigBuilder<>(nestedType, object));
    return this;
  }

  /**
   * Builds the configuration, validated by the records' constructors.
   *
   * @return the configuration
   * @throws ConfigException naming the field by its dotted path when a value is out of range or
   *     fields contradict each other
   */
  public R build() {
    return Configs.bind(tree.deepCopy(), type);
  }

  private ConfigBuilder<R> put(Field<R, ?> field, Object value) {
    RecordComponent component = component(field);
    Class<?> expected = MethodType.methodType(component.getType()).wrap().returnType();
    if (value == null ? component.getType().isPrimitive() : !expected.isInstance(value)) {
      // Only a record replaced by a record of another type gets this far past the compiler.
      throw new IllegalArgumentException(
          type.getSimpleName()
              + "."
              + component.getName()
              + " holds a "
              + expected.getSimpleName()
              + ", not "
              + (value == null ? "null" : "a " + value.getClass().getSimpleName()));
    }
    ObjectMapper json = Configs.json();
    tree.set(component.getName(), json.valueToTree(value));
    return this;
  }

  /** Finds the record component a method reference names, from its serialised form. */
  private RecordComponent component(Field<R, ?> field) {
    SerializedLambda reference;
    try {
      Method writeReplace = field.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      reference = (SerializedLambda) writeReplace.invoke(field);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw notAnAccessor("a " + field.getClass().getName(), e);
    }
    String owner = type.getName().replace('.', '/');
    String name = reference.getImplMethodName();
    if (owner.equals(reference.getImplClass())
        && reference.getImplMethodSignature().startsWith("()")) {
      for (RecordComponent c : type.getRecordComponents()) {
        if (c.getName().equals(name)) {
          return c;
        }
      }
    }
    throw notAnAccessor(reference.getImplClass().replace('/', '.') + "::" + name, null);
  }

  private IllegalArgumentException notAnAccessor(String what, Exception cause) {
    return new IllegalArgumentException(
        "name a field of "
            + type.getSimpleName()
            + " by its accessor, e.g. "
            + type.getSimpleName()
            + "::"
            + type.getRecordComponents()[0].getName()
            + "; got "
            + what,
        cause);
  }
}
