package dev.fima.datasets.readers;

import dev.fima.api.DataException;
import dev.fima.api.data.VideoEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Kinetics-400 from the official CSV files ({@code label,youtube_id,time_start,time_end,split}):
 * {@code train.csv} for training and {@code validate.csv} (or {@code val.csv}) for testing, in the
 * root or in {@code annotations/}. Clips are named {@code <youtube_id>_<start:06d>_<end:06d>.<ext>}
 * and live in {@code train/} (or {@code train_256/}) and {@code val/} (or {@code validate/}, {@code
 * val_256/}), either in class folders ({@code <split>/<label>/...}, spaces in labels optionally
 * written as underscores) or flat. Clips that the CSV lists but that are not on disk, common for
 * Kinetics, are counted, reported and skipped; only a class with no training clip at all is an
 * error. Classes are the sorted labels of {@code train.csv}.
 */
public final class Kinetics400 extends VideoDataset {

  private Kinetics400(Builder builder) {
    super(builder);
  }

  /**
   * Returns a builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected DatasetListing readListing() {
    Path trainCsv = find(List.of("train.csv"), "Kinetics-400 train.csv");
    Path testCsv = find(List.of("validate.csv", "val.csv"), "Kinetics-400 validate.csv");
    List<String[]> trainRows = readCsv(trainCsv);
    List<String[]> testRows = readCsv(testCsv);
    TreeSet<String> labels = new TreeSet<>();
    trainRows.forEach(r -> labels.add(r[0]));
    List<String> classes = new ArrayList<>(labels);
    Map<String, Integer> labelOf = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      labelOf.put(classes.get(i), i);
    }
    List<String> missing = new ArrayList<>();
    Path trainDir = folder(List.of("train", "train_256"), trainCsv);
    Path testDir = folder(List.of("val", "validate", "val_256", "valid"), testCsv);
    List<VideoEntry> train = entries(trainCsv, trainRows, trainDir, classes, labelOf, missing);
    List<VideoEntry> test = entries(testCsv, testRows, testDir, classes, labelOf, missing);
    SplitReport report =
        new SplitReport(
            classes,
            SplitReport.count(classes.size(), train),
            SplitReport.count(classes.size(), test),
            missing,
            List.of(),
            0);
    Readers.requireEveryClass(report, trainDir, null);
    return new DatasetListing("kinetics400", classes, train, test, report);
  }

  private Path find(List<String> names, String what) {
    for (String dir : List.of("", "annotations", "kinetics400")) {
      for (String name : names) {
        Path p = dir.isEmpty() ? root.resolve(name) : root.resolve(dir).resolve(name);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
    }
    throw new DataException(
        root.resolve(names.get(0)), what + " not found (also looked in annotations/)");
  }

  private Path folder(List<String> names, Path csv) {
    for (String name : names) {
      if (Files.isDirectory(root.resolve(name))) {
        return root.resolve(name);
      }
    }
    throw new DataException(
        root.resolve(names.get(0)),
        "not a Kinetics-400 folder: no clip folder for "
            + csv.getFileName()
            + " (tried "
            + names
            + ")");
  }

  /** Parses the CSV, checking the header; returns label, youtube_id, start, end per row. */
  private static List<String[]> readCsv(Path csv) {
    List<String> lines = Layouts.lines(csv);
    if (lines.isEmpty()) {
      throw new DataException(csv, "empty");
    }
    List<String> header = splitCsv(lines.get(0));
    int label = header.indexOf("label");
    int id = header.indexOf("youtube_id");
    int start = header.indexOf("time_start");
    int end = header.indexOf("time_end");
    if (label < 0 || id < 0 || start < 0 || end < 0) {
      throw new DataException(
          csv, "expected the header label,youtube_id,time_start,time_end,split");
    }
    List<String[]> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isEmpty()) {
        continue;
      }
      List<String> f = splitCsv(lines.get(i));
      if (f.size() < header.size() - 1 || f.size() <= Math.max(Math.max(label, id), end)) {
        throw new DataException(csv, "line " + (i + 1) + ": too few fields");
      }
      rows.add(new String[] {f.get(label), f.get(id), f.get(start), f.get(end), "" + (i + 1)});
    }
    return rows;
  }

  /** Splits one CSV line, honouring double quotes (labels such as "passing American football"). */
  static List<String> splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          sb.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (ch == ',' && !quoted) {
        fields.add(sb.toString().strip());
        sb.setLength(0);
      } else {
        sb.append(ch);
      }
    }
    fields.add(sb.toString().strip());
    return fields;
  }

  private static List<VideoEntry> entries(
      Path csv,
      List<String[]> rows,
      Path dir,
      List<String> classes,
      Map<String, Integer> labelOf,
      List<String> missing) {
    Map<String, Path> byStem = new HashMap<>();
    try (Stream<Path> s = Files.walk(dir, 2)) {
      s.filter(Files::isRegularFile)
          .filter(Layouts::isVideo)
          .forEach(p -> byStem.putIfAbsent(Layouts.stem(p), p));
    } catch (IOException e) {
      throw new DataException(dir, "cannot list: " + e.getMessage(), e);
    }
    List<VideoEntry> entries = new ArrayList<>();
    for (String[] r : rows) {
      Integer label = labelOf.get(r[0]);
      if (label == null) {
        throw new DataException(
            csv, "line " + r[4] + ": unknown class '" + r[0] + "' (not in train.csv)");
      }
      String stem;
      try {
        stem =
            String.format(
                "%s_%06d_%06d",
                r[1], (int) Double.parseDouble(r[2]), (int) Double.parseDouble(r[3]));
      } catch (NumberFormatException e) {
        throw new DataException(csv, "line " + r[4] + ": time_start/time_end must be numbers");
      }
      Path video = byStem.get(stem);
      if (video == null) {
        missing.add(r[0] + "/" + stem);
        continue;
      }
      entries.add(new VideoEntry(video, label, classes.get(label)));
    }
    return entries;
  }

  /** Builder of {@link Kinetics400}. */
  public static final class Builder extends VideoDataset.Builder<Builder> {

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * Builds the dataset (nothing is read until {@code listing()} or {@code prepare()}).
     *
     * @return the dataset
     */
    public Kinetics400 build() {
      validate(1);
      return new Kinetics400(this);
    }
  }
}
