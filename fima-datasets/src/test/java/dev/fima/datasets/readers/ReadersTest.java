package dev.fima.datasets.readers;

import static dev.fima.datasets.TestVideos.avi;
import static dev.fima.datasets.TestVideos.mp4;
import static dev.fima.datasets.TestVideos.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import dev.fima.api.DataException;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.data.Split;
import dev.fima.api.data.VideoEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {

  @TempDir Path dir;

  private static List<String> names(List<VideoEntry> videos) {
    return videos.stream()
        .map(v -> v.className() + "/" + v.path().getFileName() + "=" + v.label())
        .toList();
  }

  /** Official UCF101 layout: classInd deliberately not in sorted order, HandstandPushups quirk. */
  private Path ucf(String videosFolder, String listsFolder) throws Exception {
    Path root = dir.resolve("ucf-" + videosFolder);
    Path v = root.resolve(videosFolder);
    for (String f :
        List.of(
            "JumpingJack/v_JumpingJack_g01_c01.avi",
            "JumpingJack/v_JumpingJack_g02_c01.avi",
            "JumpingJack/v_JumpingJack_g03_c01.avi",
            "HandstandPushups/v_HandStandPushups_g01_c01.avi",
            "HandstandPushups/v_HandStandPushups_g02_c01.avi",
            "HandstandPushups/v_HandStandPushups_g03_c01.avi",
            "JumpRope/v_JumpRope_g01_c01.avi",
            "JumpRope/v_JumpRope_g02_c01.avi",
            "JumpRope/v_JumpRope_g03_c01.avi",
            "JumpRope/v_JumpRope_g04_c01.avi")) {
      avi(v.resolve(f), 12);
    }
    Path l = root.resolve(listsFolder);
    text(l.resolve("classInd.txt"), "1 JumpingJack", "2 HandstandPushups", "3 JumpRope");
    // Split k tests group k.
    for (int k = 1; k <= 3; k++) {
      StringBuilder train = new StringBuilder();
      StringBuilder test = new StringBuilder();
      String[][] classes = {
        {"JumpingJack", "JumpingJack"},
        {"HandstandPushups", "HandStandPushups"},
        {"JumpRope", "JumpRope"}
      };
      for (int c = 0; c < 3; c++) {
        for (int g = 1; g <= 3; g++) {
          String line = classes[c][0] + "/v_" + classes[c][1] + "_g0" + g + "_c01.avi";
          if (g == k) {
            test.append(line).append('\n');
          } else {
            train.append(line).append(' ').append(c + 1).append('\n');
          }
        }
      }
      Files.writeString(l.resolve("trainlist0" + k + ".txt"), train);
      Files.writeString(l.resolve("testlist0" + k + ".txt"), test);
    }
    return root;
  }

  @Test
  void ucf101OfficialLayoutAllSplitsWithClassIndLabels() throws Exception {
    Path root = ucf("UCF-101", "ucfTrainTestlist");
    for (int k = 1; k <= 3; k++) {
      DatasetListing listing = Ucf101.builder().setRoot(root).optSplit(k).build().listing();
      assertEquals(List.of("JumpingJack", "HandstandPushups", "JumpRope"), listing.classNames());
      assertEquals(6, listing.videos(Split.TRAIN).size());
      assertEquals(
          List.of(
              "JumpingJack/v_JumpingJack_g0" + k + "_c01.avi=0",
              "HandstandPushups/v_HandStandPushups_g0" + k + "_c01.avi=1",
              "JumpRope/v_JumpRope_g0" + k + "_c01.avi=2"),
          names(listing.videos(Split.TEST)));
      // g04 of JumpRope is on disk but in no list.
      assertEquals(List.of("JumpRope/v_JumpRope_g04_c01.avi"), listing.report().unlisted());
      assertEquals(2, listing.report().perClass(Split.TRAIN).get("HandstandPushups"));
    }
  }

  @Test
  void ucf101RenamedLayoutAndMismatchReports() throws Exception {
    Path root = ucf("data", "anno");
    Files.delete(root.resolve("data/JumpRope/v_JumpRope_g03_c01.avi"));
    DatasetListing listing = Ucf101.builder().setRoot(root).build().listing();
    assertEquals(List.of("JumpRope/v_JumpRope_g03_c01.avi"), listing.report().missing());
    assertEquals(5, listing.videos(Split.TRAIN).size());
    assertTrue(
        listing
            .report()
            .summary("ucf101 split 1")
            .contains("1 listed but missing on disk: JumpRope/v_JumpRope_g03_c01.avi"));
  }

  @Test
  void ucf101LayoutErrorsNameThePath() throws Exception {
    Path root = ucf("UCF-101", "ucfTrainTestlist");
    Path lists = root.resolve("ucfTrainTestlist");
    Files.delete(lists.resolve("testlist02.txt"));
    DataException e =
        assertThrows(
            DataException.class,
            () -> Ucf101.builder().setRoot(root).optSplit(2).build().listing());
    assertEquals(lists.resolve("testlist02.txt"), e.path());
    Files.writeString(lists.resolve("trainlist03.txt"), "Juggling/v_Juggling_g01_c01.avi 4\n");
    e =
        assertThrows(
            DataException.class,
            () -> Ucf101.builder().setRoot(root).optSplit(3).build().listing());
    assertEquals(lists.resolve("trainlist03.txt"), e.path());
    assertTrue(e.getMessage().contains("unknown class 'Juggling'"), e.getMessage());
    e = assertThrows(DataException.class, () -> Ucf101.builder().setRoot(dir).build().listing());
    assertTrue(e.getMessage().contains("not a UCF101 folder"), e.getMessage());
  }

  @Test
  void hmdb51TagsZeroOneTwoAcrossSplits() throws Exception {
    Path root = dir.resolve("hmdb");
    for (String c : List.of("wave", "brush_hair")) {
      for (int i = 1; i <= 4; i++) {
        avi(root.resolve(c).resolve(c + "_" + i + ".avi"), 10);
      }
      for (int k = 1; k <= 3; k++) {
        // Video k is the test video, video 4 is unused (tag 0), the rest train.
        String[] lines = new String[4];
        for (int i = 1; i <= 4; i++) {
          lines[i - 1] = c + "_" + i + ".avi " + (i == 4 ? 0 : i == k ? 2 : 1);
        }
        text(
            root.resolve("testTrainMulti_7030_splits").resolve(c + "_test_split" + k + ".txt"),
            lines);
      }
    }
    for (int k = 1; k <= 3; k++) {
      DatasetListing l = Hmdb51.builder().setRoot(root).optSplit(k).build().listing();
      assertEquals(List.of("brush_hair", "wave"), l.classNames());
      assertEquals(
          List.of("brush_hair/brush_hair_" + k + ".avi=0", "wave/wave_" + k + ".avi=1"),
          names(l.videos(Split.TEST)));
      assertEquals(4, l.videos(Split.TRAIN).size());
      assertEquals(2, l.report().unused());
      assertTrue(l.report().unlisted().isEmpty());
    }
    text(root.resolve("testTrainMulti_7030_splits/run_test_split1.txt"), "run_1.avi 1");
    DataException e =
        assertThrows(DataException.class, () -> Hmdb51.builder().setRoot(root).build().listing());
    assertTrue(e.getMessage().contains("unknown class 'run'"), e.getMessage());
  }

  @Test
  void diving48ReadsV2JsonAndReportsMissingClips() throws Exception {
    Path root = dir.resolve("diving");
    text(
        root.resolve("Diving48_vocab.json"),
        "[[\"Back\", \"15som\", \"05Twis\", \"FREE\"], [\"Forward\", \"25som\", \"NoTwis\", \"PIKE\"]]");
    text(
        root.resolve("Diving48_V2_train.json"),
        "[{\"vid_name\": \"a1\", \"label\": 0, \"start_frame\": 0, \"end_frame\": 9},"
            + " {\"vid_name\": \"b1\", \"label\": 1, \"start_frame\": 0, \"end_frame\": 9},"
            + " {\"vid_name\": \"gone\", \"label\": 1, \"start_frame\": 0, \"end_frame\": 9}]");
    text(
        root.resolve("Diving48_V2_test.json"),
        "[{\"vid_name\": \"a2\", \"label\": 0, \"start_frame\": 0, \"end_frame\": 9}]");
    for (String v : List.of("a1", "b1", "a2")) {
      mp4(root.resolve("rgb").resolve(v + ".mp4"), 10);
    }
    DatasetListing l = Diving48.builder().setRoot(root).build().listing();
    assertEquals(List.of("Back_15som_05Twis_FREE", "Forward_25som_NoTwis_PIKE"), l.classNames());
    assertEquals(
        List.of("Back_15som_05Twis_FREE/a1.mp4=0", "Forward_25som_NoTwis_PIKE/b1.mp4=1"),
        names(l.videos(Split.TRAIN)));
    assertEquals(List.of("gone.mp4"), l.report().missing());
    text(root.resolve("Diving48_V2_test.json"), "[{\"vid_name\": \"a2\", \"label\": 7}]");
    DataException e =
        assertThrows(DataException.class, () -> Diving48.builder().setRoot(root).build().listing());
    assertEquals(root.resolve("Diving48_V2_test.json"), e.path());
  }

  @Test
  void kinetics400ClassFoldersFlatFolderAndMissingClips() throws Exception {
    Path root = dir.resolve("k400");
    text(
        root.resolve("train.csv"),
        "label,youtube_id,time_start,time_end,split",
        "\"abseiling\",aaa,0,10,train",
        "air drumming,bbb,14,24,train",
        "air drumming,ccc,1,11,train",
        "abseiling,ddd,30,40,train");
    text(
        root.resolve("validate.csv"),
        "label,youtube_id,time_start,time_end,split",
        "abseiling,eee,5,15,val",
        "air drumming,fff,7,17,val");
    avi(root.resolve("train/abseiling/aaa_000000_000010.mp4"), 10);
    avi(root.resolve("train/air_drumming/bbb_000014_000024.mp4"), 10);
    avi(root.resolve("train/air drumming/ccc_000001_000011.mp4"), 10);
    avi(root.resolve("val/eee_000005_000015.mp4"), 10);
    avi(root.resolve("val/fff_000007_000017.mp4"), 10);
    DatasetListing l = Kinetics400.builder().setRoot(root).build().listing();
    assertEquals(List.of("abseiling", "air drumming"), l.classNames());
    assertEquals(3, l.videos(Split.TRAIN).size());
    assertEquals(List.of("abseiling/ddd_000030_000040"), l.report().missing());
    assertEquals(
        List.of("abseiling/eee_000005_000015.mp4=0", "air drumming/fff_000007_000017.mp4=1"),
        names(l.videos(Split.TEST)));
    Files.delete(root.resolve("train/abseiling/aaa_000000_000010.mp4"));
    DataException e =
        assertThrows(
            DataException.class, () -> Kinetics400.builder().setRoot(root).build().listing());
    assertTrue(e.getMessage().contains("'abseiling' has no training video"), e.getMessage());
  }

  @Test
  void videoFolderCarvesDisjointQuarterSplits() throws Exception {
    Path root = dir.resolve("folder");
    for (String c : List.of("b", "a")) {
      for (int i = 0; i < 5; i++) {
        avi(root.resolve(c).resolve("v" + i + ".avi"), 10);
      }
    }
    DatasetListing s1 = VideoFolder.builder().setRoot(root).optSplit(1).build().listing();
    DatasetListing s2 = VideoFolder.builder().setRoot(root).optSplit(2).build().listing();
    assertEquals(List.of("a", "b"), s1.classNames());
    assertEquals(
        List.of("a/v0.avi=0", "a/v4.avi=0", "b/v0.avi=1", "b/v4.avi=1"),
        names(s1.videos(Split.TEST)));
    assertEquals(List.of("a/v1.avi=0", "b/v1.avi=1"), names(s2.videos(Split.TEST)));
    assertEquals(6, s1.videos(Split.TRAIN).size());
    DataException e =
        assertThrows(
            DataException.class,
            () -> VideoFolder.builder().setRoot(root.resolve("a")).build().listing());
    assertTrue(e.getMessage().contains("not a video folder"), e.getMessage());
  }

  @Test
  void datasetRecordIsTheCentreCropOfTheMiddleWindow() throws Exception {
    Path root = ucf("UCF-101", "ucfTrainTestlist");
    Ucf101 ds =
        Ucf101.builder()
            .setRoot(root)
            .optUsage(Split.TEST)
            .optClip(new ClipConfig(3, 2, 16, 1))
            .optCacheIndex(false)
            .build();
    ds.prepare(null);
    assertEquals(3, ds.size());
    try (NDManager m = NDManager.newBaseManager()) {
      Record r = ds.get(m, 1);
      assertEquals(new Shape(3, 3, 16, 16), r.getData().head().getShape());
      assertEquals(1L, r.getLabels().head().getLong());
      // 12 frames, window 6: 7 windows, the middle one starts at frame 3; frames 3, 5, 7.
      float[] clip = r.getData().head().toFloatArray();
      for (int t = 0; t < 3; t++) {
        assertEquals(3 + 2 * t, dev.fima.datasets.TestVideos.indexAt(clip, 0, 3, 256, t));
      }
    }
  }
}
