package dev.fima.api.config;

import dev.fima.api.ConfigException;
import java.util.Collection;

/**
 * Range checks for configuration records. Each throws a {@link ConfigException} naming the field
 * and the offending value; records call them from their compact constructors, and {@link Configs}
 * prefixes the field with the path of the enclosing record.
 */
public final class Check {

  private Check() {}

  /**
   * Requires {@code value > 0}.
   *
   * @param field field name
   * @param value its value
   */
  public static void positive(String field, double value) {
    if (!(value > 0)) {
      throw new ConfigException(field, "must be > 0, got " + value);
    }
  }

  /**
   * Requires {@code value >= 0}.
   *
   * @param field field name
   * @param value its value
   */
  public static void nonNegative(String field, double value) {
    if (!(value >= 0)) {
      throw new ConfigException(field, "must be >= 0, got " + value);
    }
  }

  /**
   * Requires {@code min <= value <= max}.
   *
   * @param field field name
   * @param value its value
   * @param min smallest allowed value
   * @param max largest allowed value
   */
  public static void range(String field, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new ConfigException(
          field, "must be in [" + num(min) + ", " + num(max) + "], got " + num(value));
    }
  }

  /**
   * Requires {@code value >= min}.
   *
   * @param field field name
   * @param value its value
   * @param min smallest allowed value
   */
  public static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new ConfigException(field, "must be >= " + min + ", got " + value);
    }
  }

  /**
   * Requires a non-null value.
   *
   * @param field field name
   * @param value its value
   * @param <T> value type
   * @return the value
   */
  public static <T> T present(String field, T value) {
    if (value == null) {
      throw new ConfigException(field, "is required");
    }
    return value;
  }

  /**
   * Requires every element of a collection to be strictly positive.
   *
   * @param field field name
   * @param values the values
   */
  public static void allPositive(String field, Collection<? extends Number> values) {
    for (Number v : values) {
      if (v == null || !(v.doubleValue() > 0)) {
        throw new ConfigException(field, "every element must be > 0, got " + values);
      }
    }
  }

  /**
   * Fails with a message about a field when a condition does not hold.
   *
   * @param condition what must be true
   * @param field field name
   * @param message what is wrong when it is false
   */
  public static void that(boolean condition, String field, String message) {
    if (!condition) {
      throw new ConfigException(field, message);
    }
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
