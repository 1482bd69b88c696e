package dev.fima.datasets.synth;

import dev.fima.api.DataException;
import dev.fima.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lays a generated dataset out as a miniature copy of another benchmark's official layout, so that
 * the readers, the command line and the benchmark examples can be exercised end to end on real
 * video files without the real datasets.
 *
 * <p>The source is a dataset in the UCF101 layout as {@link MotionVideoGenerator} writes it ({@code
 * UCF-101/<Class>/*.avi}, {@code ucfTrainTestlist/classInd.txt}, {@code trainlist0k.txt}, {@code
 * testlist0k.txt}); its videos and splits are copied into the target layout:
 *
 * <ul>
 *   <li>{@link #hmdb51}: {@code <class>/<video>.avi} with class names in HMDB51's lower snake case
 *       ({@code MoveUp} becomes {@code move_up}) and {@code testTrainMulti_7030_splits/<class>
 *       _test_split<k>.txt} with tag 1 for the source split's training videos and 2 for its test
 *       videos, splits 1-3.
 *   <li>{@link #diving48}: {@code Diving48_vocab.json} (one attribute list per class), {@code
 *       Diving48_V2_train.json} and {@code Diving48_V2_test.json} from split 1, clips in {@code
 *       rgb/<vid_name>.mp4}.
 *   <li>{@link #kinetics400}: {@code train.csv} and {@code validate.csv} ({@code
 *       label,youtube_id,time_start,time_end,split}, labels in lower case with spaces) from split
 *       1, clips named {@code <youtube_id>_000000_000010.mp4} in {@code train/<label>/} and flat in
 *       {@code val/}.
 *   <li>{@link #folder}: {@code <Class>/<video>.avi}, no split files.
 * </ul>
 *
 * <p>Clips keep their bytes when the official layout names them {@code .mp4}: FFmpeg recognises the
 * container by its content, not by the file name. Every file is written under a temporary name and
 * renamed into place, so an interrupted copy never leaves a partial file under a real name.
 */
public final class BenchmarkLayouts {

  private BenchmarkLayouts() {}

  /**
   * Copies a generated dataset into the HMDB51 layout.
   *
   * @param ucf101 a dataset in the UCF101 layout, such as {@link MotionVideoGenerator} writes
   * @param target the folder to write
   * @return {@code target}
   * @throws DataException naming the file when the source cannot be read or the target written
   */
  public static Path hmdb51(Path ucf101, Path target) {
    Source source = Source.read(ucf101);
    for (String c : source.classes) {
      String name = snake(c);
      for (String video : source.videos.get(c)) {
        copy(source.video(c, video), target.resolve(name).resolve(video));
      }
      for (int split = 1; split <= 3; split++) {
        StringBuilder lines = new StringBuilder();
        for (String video : source.videos.get(c)) {
          int tag = source.isTest(split, c, video) ? 2 : 1;
          lines.append(video).append(' ').append(tag).append('\n');
        }
        write(
            target
                .resolve("testTrainMulti_7030_splits")
                .resolve(name + "_test_split" + split + ".txt"),
            lines.toString());
      }
    }
    return target;
  }

  /**
   * Copies a generated dataset into the Diving48 V2 layout, with the source's split 1 as the
   * official train/test split.
   *
   * @param ucf101 a dataset in the UCF101 layout
   * @param target the folder to write
   * @return {@code target}
   * @throws DataException naming the file when the source cannot be read or the target written
   */
  public static Path diving48(Path ucf101, Path target) {
    Source source = Source.read(ucf101);
    List<String> vocab = new ArrayList<>();
    List<String> train = new ArrayList<>();
    List<String> test = new ArrayList<>();
    for (int label = 0; label < source.classes.size(); label++) {
      String c = source.classes.get(label);
      vocab.add("[\"" + c + "\"]");
      for (String video : source.videos.get(c)) {
        String name = stem(video);
        copy(source.video(c, video), target.resolve("rgb").resolve(name + ".mp4"));
        String entry =
            "{\"vid_name\": \""
                + name
                + "\", \"label\": "
                + label
                + ", \"start_frame\": 0, \"end_frame\": 0}";
        (source.isTest(1, c, video) ? test : train).add(entry);
      }
    }
    write(target.resolve("Diving48_vocab.json"), "[" + String.join(", ", vocab) + "]\n");
    write(target.resolve("Diving48_V2_train.json"), "[" + String.join(",\n ", train) + "]\n");
    write(target.resolve("Diving48_V2_test.json"), "[" + String.join(",\n ", test) + "]\n");
    return target;
  }

  /**
   * Copies a generated dataset into the Kinetics-400 layout, with the source's split 1 as the
   * train/validation split.
   *
   * @param ucf101 a dataset in the UCF101 layout
   * @param target the folder to write
   * @return {@code target}
   * @throws DataException naming the file when the source cannot be read or the target written
   */
  public static Path kinetics400(Path ucf101, Path target) {
    Source source = Source.read(ucf101);
    String header = "label,youtube_id,time_start,time_end,split\n";
    StringBuilder train = new StringBuilder(header);
    StringBuilder val = new StringBuilder(header);
    for (String c : source.classes) {
      String label = snake(c).replace('_', ' ');
      for (String video : source.videos.get(c)) {
        String id = stem(video);
        String clip = id + "_000000_000010.mp4";
        boolean isTest = source.isTest(1, c, video);
        Path file =
            isTest
                ? target.resolve("val").resolve(clip)
                : target.resolve("train").resolve(label.replace(' ', '_')).resolve(clip);
        copy(source.video(c, video), file);
        (isTest ? val : train)
            .append(label)
            .append(',')
            .append(id)
            .append(",0,10,")
            .append(isTest ? "val" : "train")
            .append('\n');
      }
    }
    write(target.resolve("train.csv"), train.toString());
    write(target.resolve("validate.csv"), val.toString());
    return target;
  }

  /**
   * Copies a generated dataset into a plain {@code <class>/<video>} folder, the layout of a user's
   * own labelled videos.
   *
   * @param ucf101 a dataset in the UCF101 layout
   * @param target the folder to write
   * @return {@code target}
   * @throws DataException naming the file when the source cannot be read or the target written
   */
  public static Path folder(Path ucf101, Path target) {
    Source source = Source.read(ucf101);
    for (String c : source.classes) {
      for (String video : source.videos.get(c)) {
        copy(source.video(c, video), target.resolve(c).resolve(video));
      }
    }
    return target;
  }

  /** {@code MoveUp} to {@code move_up}, the way HMDB51 and Kinetics name their classes. */
  static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private static String stem(String file) {
    int dot = file.lastIndexOf('.');
    return dot < 0 ? file : file.substring(0, dot);
  }

  private static void copy(Path from, Path to) {
    try {
      AtomicFiles.write(to, out -> Files.copy(from, out));
    } catch (IOException e) {
      throw new DataException(to, "cannot copy " + from + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String text) {
    try {
      AtomicFiles.writeString(file, text);
    } catch (IOException e) {
      throw new DataException(file, "cannot write: " + e.getMessage(), e);
    }
  }

  /** The classes, videos and test lists of a dataset in the UCF101 layout. */
  private static final class Source {
    final Path videosRoot;
    final List<String> classes = new ArrayList<>();
    final Map<String, List<String>> videos = new LinkedHashMap<>();
    final Map<Integer, List<String>> testLists = new LinkedHashMap<>();

    private Source(Path videosRoot) {
      this.videosRoot = videosRoot;
    }

    static Source read(Path root) {
      Source s = new Source(root.resolve("UCF-101"));
      Path lists = root.resolve("ucfTrainTestlist");
      for (String line : lines(lists.resolve("classInd.txt"))) {
        String c = line.trim().split("\\s+")[1];
        s.classes.add(c);
        s.videos.put(c, new ArrayList<>());
      }
      for (int split = 1; split <= 3; split++) {
        List<String> test = new ArrayList<>();
        for (String line : lines(lists.resolve("testlist0" + split + ".txt"))) {
          test.add(line.trim().split("\\s+")[0]);
        }
        s.testLists.put(split, test);
        for (String line : lines(lists.resolve("trainlist0" + split + ".txt"))) {
          s.add(line.trim().split("\\s+")[0]);
        }
        test.forEach(s::add);
      }
      s.videos.values().forEach(v -> v.sort(String::compareTo));
      return s;
    }

    /** Records {@code Class/video.avi} once, whichever list names it first. */
    private void add(String relative) {
      String[] parts = relative.split("/");
      List<String> list = videos.get(parts[0]);
      if (list == null) {
        throw new DataException(videosRoot, "a split file names the unknown class " + parts[0]);
      }
      if (!list.contains(parts[1])) {
        list.add(parts[1]);
      }
    }

    boolean isTest(int split, String c, String video) {
      return testLists.get(split).contains(c + "/" + video);
    }

    Path video(String c, String video) {
      return videosRoot.resolve(c).resolve(video);
    }

    private static List<String> lines(Path file) {
      try {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .toList();
      } catch (IOException e) {
        throw new DataException(file, "cannot read the generated dataset: " + e.getMessage(), e);
      }
    }
  }
}
