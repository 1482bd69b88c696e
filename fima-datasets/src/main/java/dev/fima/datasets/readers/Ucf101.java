package dev.fima.datasets.readers;

import dev.fima.api.DataException;
import dev.fima.api.data.VideoEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * UCF101 as downloaded: {@code <root>/UCF-101/<Class>/v_<Class>_gXX_cYY.avi} and {@code
 * <root>/ucfTrainTestlist/} with {@code classInd.txt}, {@code trainlist0k.txt} and {@code
 * testlist0k.txt} for splits 1-3; or the reference's renamed layout {@code <root>/data} and {@code
 * <root>/anno} with the same files.
 *
 * <p>Labels come from {@code classInd.txt} (1-based in the file, 0-based here), so they match the
 * official indices; the reference instead sorts folder names, which orders a few pairs differently
 * ({@code HammerThrow} before {@code Hammering}). A trainlist index that disagrees with classInd is
 * an error. Split lines are matched against {@code <videos>/<Class>/<file>}, exactly first and then
 * ignoring case, which covers the {@code HandstandPushups} folder whose files are spelled {@code
 * v_HandStandPushups_*}.
 */
public final class Ucf101 extends VideoDataset {

  private Ucf101(Builder builder) {
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
    Path videos;
    Path lists;
    if (Files.isDirectory(root.resolve("UCF-101"))
        && Files.isDirectory(root.resolve("ucfTrainTestlist"))) {
      videos = root.resolve("UCF-101");
      lists = root.resolve("ucfTrainTestlist");
    } else if (Files.isDirectory(root.resolve("data")) && Files.isDirectory(root.resolve("anno"))) {
      videos = root.resolve("data");
      lists = root.resolve("anno");
    } else {
      throw new DataException(
          root,
          "not a UCF101 folder: expected UCF-101/ and ucfTrainTestlist/ (as downloaded) or data/"
              + " and anno/ (the reference's renamed layout)");
    }
    Path classInd = Layouts.requireFile(lists.resolve("classInd.txt"), "UCF101 class list");
    List<String> classes = new ArrayList<>();
    Map<String, Integer> labelOf = new HashMap<>();
    int lineNo = 0;
    for (String line : Layouts.lines(classInd)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2 || !parts[0].matches("\\d+")) {
        throw new DataException(classInd, "line " + lineNo + ": expected '<index> <Class>'");
      }
      int index = Integer.parseInt(parts[0]);
      if (index != classes.size() + 1) {
        throw new DataException(
            classInd, "line " + lineNo + ": expected index " + (classes.size() + 1));
      }
      classes.add(parts[1]);
      labelOf.put(parts[1], index - 1);
    }
    if (classes.isEmpty()) {
      throw new DataException(classInd, "lists no class");
    }
    Map<String, Path> folders = Layouts.byLowerName(videos);
    for (String c : classes) {
      Path folder = folders.get(c.toLowerCase(Locale.ROOT));
      if (folder == null || !Files.isDirectory(folder)) {
        throw new DataException(videos.resolve(c), "class folder of '" + c + "' not found");
      }
    }
    List<String> missing = new ArrayList<>();
    Set<Path> listed = new HashSet<>();
    Map<String, Map<String, Path>> filesOf = new HashMap<>();
    Path trainFile =
        Layouts.requireFile(lists.resolve("trainlist0" + split + ".txt"), "UCF101 train list");
    Path testFile =
        Layouts.requireFile(lists.resolve("testlist0" + split + ".txt"), "UCF101 test list");
    List<VideoEntry> train =
        readList(trainFile, classes, labelOf, folders, filesOf, missing, listed);
    List<VideoEntry> test = readList(testFile, classes, labelOf, folders, filesOf, missing, listed);
    List<String> unlisted = new ArrayList<>();
    for (String c : classes) {
      for (Path v : Layouts.videos(folders.get(c.toLowerCase(Locale.ROOT)))) {
        if (!listed.contains(v)) {
          unlisted.add(videos.relativize(v).toString());
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
            0);
    Readers.requireEveryClass(report, trainFile, testFile);
    return new DatasetListing("ucf101 split " + split, classes, train, test, report);
  }

  private static List<VideoEntry> readList(
      Path file,
      List<String> classes,
      Map<String, Integer> labelOf,
      Map<String, Path> folders,
      Map<String, Map<String, Path>> filesOf,
      List<String> missing,
      Set<Path> listed) {
    List<VideoEntry> entries = new ArrayList<>();
    int lineNo = 0;
    for (String line : Layouts.lines(file)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String rel = parts[0].replace('\\', '/');
      int slash = rel.indexOf('/');
      if (slash <= 0) {
        throw new DataException(file, "line " + lineNo + ": expected '<Class>/<video>.avi'");
      }
      String className = rel.substring(0, slash);
      Integer label = labelOf.get(className);
      if (label == null) {
        throw new DataException(
            file, "line " + lineNo + ": unknown class '" + className + "' (not in classInd.txt)");
      }
      if (parts.length > 1 && Integer.parseInt(parts[1]) != label + 1) {
        throw new DataException(
            file,
            "line "
                + lineNo
                + ": index "
                + parts[1]
                + " of "
                + className
                + " disagrees with classInd.txt ("
                + (label + 1)
                + ")");
      }
      Path folder = folders.get(className.toLowerCase(Locale.ROOT));
      String fileName = rel.substring(slash + 1);
      Path video = folder.resolve(fileName);
      if (!Files.isRegularFile(video)) {
        video =
            filesOf
                .computeIfAbsent(className, k -> Layouts.byLowerName(folder))
                .get(fileName.toLowerCase(Locale.ROOT));
      }
      if (video == null) {
        missing.add(rel);
        continue;
      }
      listed.add(video);
      entries.add(new VideoEntry(video, label, classes.get(label)));
    }
    return entries;
  }

  /** Builder of {@link Ucf101}. */
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
    public Ucf101 build() {
      validate(3);
      return new Ucf101(this);
    }
  }
}
