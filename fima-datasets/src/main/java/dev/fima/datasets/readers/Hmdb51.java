package dev.fima.datasets.readers;

import dev.fima.api.DataException;
import dev.fima.api.data.VideoEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * HMDB51 as downloaded: {@code <root>/<class>/*.avi} (or {@code <root>/data/<class>/}) and the
 * split folder {@code testTrainMulti_7030_splits/} (or the reference's {@code anno/}) with one file
 * {@code <class>_test_split<k>.txt} per class and split. Each line is {@code <video>.avi <tag>}: 1
 * = train, 2 = test, 0 = not used in this split. Classes are the sorted class names (the
 * reference's order), videos are matched by file name within their class folder.
 */
public final class Hmdb51 extends VideoDataset {

  private static final List<String> SPLIT_FOLDERS =
      List.of("testTrainMulti_7030_splits", "anno", "splits");

  private Hmdb51(Builder builder) {
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
    Path splits = null;
    for (String name : SPLIT_FOLDERS) {
      if (Files.isDirectory(root.resolve(name))) {
        splits = root.resolve(name);
        break;
      }
    }
    if (splits == null) {
      throw new DataException(
          root,
          "not an HMDB51 folder: expected the split folder testTrainMulti_7030_splits/ (or anno/)");
    }
    Path videos = Files.isDirectory(root.resolve("data")) ? root.resolve("data") : root;
    String suffix = "_test_split" + split + ".txt";
    Map<String, Path> splitFiles = new TreeMap<>();
    try (Stream<Path> s = Files.list(splits)) {
      s.filter(p -> p.getFileName().toString().endsWith(suffix))
          .forEach(
              p -> {
                String name = p.getFileName().toString();
                splitFiles.put(name.substring(0, name.length() - suffix.length()), p);
              });
    } catch (IOException e) {
      throw new DataException(splits, "cannot list: " + e.getMessage(), e);
    }
    if (splitFiles.isEmpty()) {
      throw new DataException(splits, "no split file *" + suffix);
    }
    Set<Path> splitFolderSet = new HashSet<>();
    for (String name : SPLIT_FOLDERS) {
      splitFolderSet.add(root.resolve(name));
    }
    for (Path folder : Layouts.subfolders(videos)) {
      if (splitFolderSet.contains(folder) || folder.equals(root.resolve("data"))) {
        continue;
      }
      String name = folder.getFileName().toString();
      if (!splitFiles.containsKey(name) && !Layouts.videos(folder).isEmpty()) {
        throw new DataException(
            folder, "class folder without a split file " + splits.resolve(name + suffix));
      }
    }
    List<String> classes = new ArrayList<>(splitFiles.keySet());
    List<VideoEntry> train = new ArrayList<>();
    List<VideoEntry> test = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> unlisted = new ArrayList<>();
    int unused = 0;
    for (int label = 0; label < classes.size(); label++) {
      String c = classes.get(label);
      Path file = splitFiles.get(c);
      Path folder = videos.resolve(c);
      if (!Files.isDirectory(folder)) {
        throw new DataException(file, "unknown class '" + c + "': no folder " + folder);
      }
      Map<String, Path> files = Layouts.byLowerName(folder);
      Set<Path> listed = new HashSet<>();
      int lineNo = 0;
      for (String line : Layouts.lines(file)) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        String[] parts = line.split("\\s+");
        if (parts.length != 2 || !parts[1].matches("[012]")) {
          throw new DataException(file, "line " + lineNo + ": expected '<video>.avi <0|1|2>'");
        }
        Path video = folder.resolve(parts[0]);
        if (!Files.isRegularFile(video)) {
          video = files.get(parts[0].toLowerCase(Locale.ROOT));
        }
        if (video != null) {
          listed.add(video);
        }
        if (parts[1].equals("0")) {
          unused++;
          continue;
        }
        if (video == null) {
          missing.add(c + "/" + parts[0]);
          continue;
        }
        VideoEntry entry = new VideoEntry(video, label, c);
        (parts[1].equals("1") ? train : test).add(entry);
      }
      for (Path v : Layouts.videos(folder)) {
        if (!listed.contains(v)) {
          unlisted.add(c + "/" + v.getFileName());
        }
      }
    }
    SplitReport report =
        new SplitReport(
            classes,
            SplitReport.count(classes.size(), train),
            SplitReport.count(classes.size(), test),
            missing,
            unlisted,
            unused);
    Readers.requireEveryClass(report, splits, splits);
    return new DatasetListing("hmdb51 split " + split, classes, train, test, report);
  }

  /** Builder of {@link Hmdb51}. */
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
    public Hmdb51 build() {
      validate(3);
      return new Hmdb51(this);
    }
  }
}
