package dev.fima.api;

/**
 * A configuration value that is missing, out of range or inconsistent with another one. The message
 * always starts with the dotted path of the offending field (for example {@code optim.lr}), so that
 * the user knows which line of the file or which override to change.
 */
public final class ConfigException extends FimaException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * Creates an error about one field.
   *
   * @param field dotted path of the field, such as {@code data.clip.frames}
   * @param message what is wrong with its value
   */
  public ConfigException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /**
   * Returns the dotted path of the offending field.
   *
   * @return the field path
   */
  public String field() {
    return field;
  }

  /**
   * Returns a copy of this error whose field path is prefixed by the enclosing field, so that
   * errors raised inside a nested record name the full path.
   *
   * @param parent dotted path of the enclosing field
   * @return the re-rooted error
   */
  public ConfigException under(String parent) {
    ConfigException e = new ConfigException(parent + "." + field, messageWithoutField());
    e.setStackTrace(getStackTrace());
    return e;
  }

  private String messageWithoutField() {
    return getMessage().substring(field.length() + 2);
  }
}
