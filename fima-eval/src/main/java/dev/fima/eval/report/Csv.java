package dev.fima.eval.report;

/** CSV cell quoting (RFC 4180): class names and paths may contain commas or quotes. */
public final class Csv {

  private Csv() {}

  /**
   * Quotes a cell when it needs it.
   *
   * @param cell the text
   * @return the text, or the text in double quotes with inner quotes doubled
   */
  public static String quote(String cell) {
    if (cell.contains(",") || cell.contains("\"") || cell.contains("\n")) {
      return '"' + cell.replace("\"", "\"\"") + '"';
    }
    return cell;
  }
}
