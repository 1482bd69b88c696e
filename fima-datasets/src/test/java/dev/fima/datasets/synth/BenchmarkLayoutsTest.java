package dev.fima.datasets.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.config.SynthConfig;
import dev.fima.api.data.Split;
import dev.fima.api.data.VideoEntry;
import dev.fima.datasets.readers.DatasetListing;
import dev.fima.datasets.readers.Diving48;
import dev.fima.datasets.readers.Hmdb51;
import dev.fima.datasets.readers.Kinetics400;
import dev.fima.datasets.readers.Ucf101;
import dev.fima.datasets.readers.VideoFolder;
import dev.fima.datasets.video.VideoReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every copied layout reads back, through its own reader, with the source's classes and splits. */
class BenchmarkLayoutsTest {

  @TempDir static Path dir;

  private static Path ucf;

  @BeforeAll
  static void generate() {
    // 2 classes x 3 videos; round(0.34 * 3) = 1 test video per class, video k in split k.
    ucf =
        new MotionVideoGenerator()
            .generate(
                new SynthConfig(
                    dir.resolve("ucf").toString(),
                    2,
                    3,
                    6,
                    16,
                    16,
                    25,
                    0.34,
                    3,
                    0.3,
                    0.5,
                    1,
                    0,
                    1.0,
                    0.3,
                    0.0,
                    0.0,
                    0.0));
  }

  private static List<String> names(DatasetListing listing, Split split) {
    return listing.videos(split).stream()
        .map(VideoEntry::path)
        .map(p -> p.getParent().getFileName() + "/" + p.getFileName() + "=")
        .toList();
  }

  private static List<String> labelled(DatasetListing listing, Split split) {
    return listing.videos(split).stream()
        .map(v -> v.path().getFileName() + "=" + v.label())
        .toList();
  }

  @Test
  void snakeCaseSplitsCamelCaseWords() {
    assertEquals("move_up", BenchmarkLayouts.snake("MoveUp"));
    assertEquals("swing_horizontal", BenchmarkLayouts.snake("SwingHorizontal"));
    assertEquals("spin", BenchmarkLayouts.snake("Spin"));
  }

  @Test
  void hmdb51KeepsTheThreeSplits() {
    Path root = BenchmarkLayouts.hmdb51(ucf, dir.resolve("hmdb"));
    for (int k = 1; k <= 3; k++) {
      DatasetListing l = Hmdb51.builder().setRoot(root).optSplit(k).build().listing();
      // Sorted lower-case names: move_down before move_up.
      assertEquals(List.of("move_down", "move_up"), l.classNames());
      assertEquals(
          List.of(
              "move_down/v_MoveDown_g0" + k + "_c01.avi=", "move_up/v_MoveUp_g0" + k + "_c01.avi="),
          names(l, Split.TEST));
      assertEquals(4, l.videos(Split.TRAIN).size());
      assertTrue(l.report().unlisted().isEmpty() && l.report().missing().isEmpty());
    }
  }

  @Test
  void diving48HoldsSplitOneWithDecodableMp4Clips() throws Exception {
    Path root = BenchmarkLayouts.diving48(ucf, dir.resolve("diving"));
    DatasetListing l = Diving48.builder().setRoot(root).build().listing();
    assertEquals(List.of("MoveUp", "MoveDown"), l.classNames(), "vocabulary order");
    assertEquals(
        List.of("v_MoveUp_g01_c01.mp4=0", "v_MoveDown_g01_c01.mp4=1"), labelled(l, Split.TEST));
    assertEquals(4, l.videos(Split.TRAIN).size());
    // The clip keeps its AVI bytes under the .mp4 name and still decodes.
    assertEquals(6, VideoReader.probe(root.resolve("rgb/v_MoveUp_g02_c01.mp4")).frames());
  }

  @Test
  void kinetics400HoldsSplitOneInClassFoldersAndAFlatValFolder() {
    Path root = BenchmarkLayouts.kinetics400(ucf, dir.resolve("k400"));
    DatasetListing l = Kinetics400.builder().setRoot(root).build().listing();
    assertEquals(List.of("move down", "move up"), l.classNames());
    assertEquals(
        List.of("v_MoveUp_g01_c01_000000_000010.mp4=1", "v_MoveDown_g01_c01_000000_000010.mp4=0"),
        labelled(l, Split.TEST),
        "validate.csv order, labels from the sorted class names");
    assertEquals(4, l.videos(Split.TRAIN).size());
    assertTrue(l.report().missing().isEmpty(), l.report().missing().toString());
  }

  @Test
  void folderHoldsEveryVideoUnderItsClass() {
    Path root = BenchmarkLayouts.folder(ucf, dir.resolve("mine"));
    DatasetListing l = VideoFolder.builder().setRoot(root).optSplit(1).build().listing();
    DatasetListing source = Ucf101.builder().setRoot(ucf).build().listing();
    assertEquals(List.of("MoveDown", "MoveUp"), l.classNames());
    assertEquals(
        source.videos(Split.TRAIN).size() + source.videos(Split.TEST).size(),
        l.videos(Split.TRAIN).size() + l.videos(Split.TEST).size());
    // Sorted position 0 of each class is split 1's test video.
    assertEquals(
        List.of("v_MoveDown_g01_c01.avi=0", "v_MoveUp_g01_c01.avi=1"), labelled(l, Split.TEST));
  }
}
