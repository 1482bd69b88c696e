package dev.fima.datasets.readers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fima.api.DataException;
import dev.fima.api.data.VideoEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Diving48 V2 as downloaded: {@code Diving48_V2_train.json} and {@code Diving48_V2_test.json}
 * (lists of {@code {vid_name, label, start_frame, end_frame}}), {@code Diving48_vocab.json} (48
 * lists of four dive attributes, joined with {@code _} into class names) and the trimmed clips
 * {@code rgb/<vid_name>.mp4}. The clips are already cut to the dive, so {@code start_frame} and
 * {@code end_frame} are not used. One official split.
 */
public final class Diving48 extends VideoDataset {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Diving48(Builder builder) {
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
    Path vocabFile =
        Layouts.requireFile(root.resolve("Diving48_vocab.json"), "Diving48 vocabulary");
    Path trainFile =
        Layouts.requireFile(root.resolve("Diving48_V2_train.json"), "Diving48 V2 train list");
    Path testFile =
        Layouts.requireFile(root.resolve("Diving48_V2_test.json"), "Diving48 V2 test list");
    Path rgb = root.resolve("rgb");
    if (!Files.isDirectory(rgb)) {
      throw new DataException(rgb, "not a Diving48 folder: the rgb/ folder of clips is missing");
    }
    JsonNode vocab = read(vocabFile);
    if (!vocab.isArray() || vocab.isEmpty()) {
      throw new DataException(vocabFile, "expected a list of class attribute lists");
    }
    List<String> classes = new ArrayList<>();
    for (JsonNode entry : vocab) {
      List<String> parts = new ArrayList<>();
      if (entry.isArray()) {
        entry.forEach(p -> parts.add(p.asText()));
      } else {
        parts.add(entry.asText());
      }
      classes.add(String.join("_", parts));
    }
    List<String> missing = new ArrayList<>();
    Set<Path> listed = new HashSet<>();
    List<VideoEntry> train = readList(trainFile, rgb, classes, missing, listed);
    List<VideoEntry> test = readList(testFile, rgb, classes, missing, listed);
    List<String> unlisted = new ArrayList<>();
    for (Path v : Layouts.videos(rgb)) {
      if (!listed.contains(v)) {
        unlisted.add(v.getFileName().toString());
      }
    }
    SplitReport report =
        new SplitReport(
            classes,
            SplitReport.count(classes.size(), train),
            SplitReport.count(classes.size(), test),
            missing,
            unlisted,
            0);
    Readers.requireEveryClass(report, trainFile, null);
    return new DatasetListing("diving48", classes, train, test, report);
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new DataException(file, "not valid JSON: " + e.getMessage(), e);
    }
  }

  private static List<VideoEntry> readList(
      Path file, Path rgb, List<String> classes, List<String> missing, Set<Path> listed) {
    JsonNode list = read(file);
    if (!list.isArray()) {
      throw new DataException(file, "expected a list of {vid_name, label, ...} objects");
    }
    List<VideoEntry> entries = new ArrayList<>();
    int i = 0;
    for (JsonNode item : list) {
      JsonNode name = item.get("vid_name");
      JsonNode label = item.get("label");
      if (name == null || label == null || !label.canConvertToInt()) {
        throw new DataException(file, "entry " + i + ": needs vid_name and an integer label");
      }
      int l = label.asInt();
      if (l < 0 || l >= classes.size()) {
        throw new DataException(
            file,
            "entry "
                + i
                + " ("
                + name.asText()
                + "): unknown class "
                + l
                + ", the vocabulary has "
                + classes.size());
      }
      Path video = rgb.resolve(name.asText() + ".mp4");
      if (Files.isRegularFile(video)) {
        listed.add(video);
        entries.add(new VideoEntry(video, l, classes.get(l)));
      } else {
        missing.add(name.asText() + ".mp4");
      }
      i++;
    }
    return entries;
  }

  /** Builder of {@link Diving48}. */
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
    public Diving48 build() {
      validate(1);
      return new Diving48(this);
    }
  }
}
