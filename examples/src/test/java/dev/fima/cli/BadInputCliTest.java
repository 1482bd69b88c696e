package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.djl.train.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the real command line, each a one-line error naming the field or file, or a
 * warning naming the files left out while the run goes on: the rows of the "Bad input and failures"
 * table in CONTRIBUTING.md that need the whole program.
 */
class BadInputCliTest {

  @TempDir static Path dir;

  private static Path data;

  @BeforeAll
  static void generate() {
    data = TinyRuns.generate(dir.resolve("videos"));
  }

  private static boolean hasCheckpoints(Path run) {
    return new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 1).latest().isPresent();
  }

  /** Copies the generated dataset without its clip-index cache. */
  private static Path copy(String name) throws IOException {
    Path target = dir.resolve(name);
    try (Stream<Path> walk = Files.walk(data)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path q = target.resolve(data.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else if (!p.getFileName().toString().startsWith(".fima-clip-index")) {
          Files.copy(p, q);
        }
      }
    }
    return target;
  }

  private static List<String> trainVideos(Path root) throws IOException {
    List<String> list = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("ucfTrainTestlist/trainlist01.txt"))) {
      if (!line.isBlank()) {
        list.add(line.trim().split(" ")[0]);
      }
    }
    return list;
  }

  @Test
  void aWindowLongerThanEveryVideoIsAnErrorBeforeTraining() {
    Path run = dir.resolve("long-window");
    // 8 frames at stride 4: a 32-frame window, and the generated videos have 16 frames.
    CliRun r = CliRun.of(TinyRuns.pretrainArgs(data, run, 1, "clip.stride=4"));
    assertEquals(2, r.code(), r.err());
    assertEquals(
        "fima: clip.frames: a sampling window of clip.frames x clip.stride = 32 raw frames is"
            + " longer than every readable video of "
            + data
            + " (the longest has 16 frames): lower clip.frames or clip.stride",
        r.err().trim());
    assertFalse(hasCheckpoints(run));
  }

  @Test
  void tooShortAndMissingVideosAreLeftOutByNameAndTheRunGoesOn() throws Exception {
    Path mixed = copy("mixed");
    List<String> train = trainVideos(mixed);
    assertEquals(12, train.size());
    // Two videos replaced by 6-frame ones (too short for the 8-frame window), one deleted.
    Path shortOnes =
        TinyRuns.generate(dir.resolve("short"), "frames=6"); // same names, 6 frames each
    for (String v : train.subList(0, 2)) {
      Files.copy(
          shortOnes.resolve("UCF-101").resolve(v),
          mixed.resolve("UCF-101").resolve(v),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.delete(mixed.resolve("UCF-101").resolve(train.get(2)));
    Path run = dir.resolve("mixed-run");
    // A child process, so that the log (slf4j-simple writes to stderr) can be read.
    Path logs = dir.resolve("mixed-logs");
    Process child = TinyRuns.start(TinyRuns.pretrainArgs(mixed, run, 1), logs);
    assertTrue(child.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "the run did not end");
    String log = TinyRuns.text(logs.resolve("stderr.txt"));
    assertEquals(0, child.exitValue(), log);
    assertTrue(log.contains("1 listed but missing on disk: " + train.get(2)), log);
    assertTrue(log.contains("2 of 11 videos quarantined:"), log);
    for (String v : train.subList(0, 2)) {
      assertTrue(
          log.contains(
              mixed.resolve("UCF-101").resolve(v) + ": too short: 6 frames for a 8-frame window"),
          log);
    }
    // Nothing else was lost: the 9 usable videos give 4 full batches of 2.
    assertEquals(4, TinyRuns.steps(run).size());
    assertTrue(hasCheckpoints(run));
  }

  @Test
  void anUnknownClassInASplitFileNamesTheFile() throws IOException {
    Path root = copy("unknown-class");
    Path list = root.resolve("ucfTrainTestlist/trainlist01.txt");
    Files.writeString(
        list, "Juggling/v_Juggling_g01_c01.avi 11\n", java.nio.file.StandardOpenOption.APPEND);
    CliRun r = CliRun.of(TinyRuns.pretrainArgs(root, dir.resolve("unknown-run"), 1));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("fima: " + list + ": "), r.err());
    assertTrue(r.err().contains("unknown class 'Juggling'"), r.err());
  }

  @Test
  void aQueueSmallerThanABatchIsRejectedNamingTheField() {
    CliRun r =
        CliRun.of(
            List.of(
                "pretrain",
                "--print-config",
                "--set",
                "batchSize=4",
                "--set",
                "model.queueSize=2"));
    assertEquals(2, r.code());
    assertEquals("fima: model.queueSize: must be at least batchSize = 4, got 2", r.err().trim());
  }

  @Test
  void aCropTheBackboneCannotDivideIsRejectedBeforeAnyData() {
    Path run = dir.resolve("crop");
    CliRun r =
        CliRun.of(TinyRuns.pretrainArgs(dir.resolve("no-such-data"), run, 1, "clip.crop=36"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("fima: clip.crop: must be a multiple of 8"), r.err());
    assertFalse(Files.exists(run), "nothing is written before the configuration is valid");
  }

  @Test
  void aFractionForAnIntegerFieldIsRejectedBeforeAnythingIsWritten() {
    for (String override : List.of("epochs=1.5", "clip.frames=8.9")) {
      Path run = dir.resolve("fraction-" + override.charAt(0));
      CliRun r = CliRun.of(TinyRuns.pretrainArgs(data, run, 1, override));
      String field = override.substring(0, override.indexOf('='));
      assertEquals(2, r.code(), r.err());
      assertEquals(
          "fima: " + field + ": must be an integer, got " + override.substring(field.length() + 1),
          r.err().trim());
      assertFalse(Files.exists(run), "nothing is written for a rejected configuration");
    }
  }

  @Test
  void aKeyGivenTwiceInAConfigFileIsRejectedNamingBothLines() throws IOException {
    Path file = dir.resolve("twice.yaml");
    String text = "epochs: 3\nbatchSize: 4\nepochs: 5\n";
    Files.writeString(file, text);
    Path run = dir.resolve("twice-run");
    CliRun r =
        CliRun.of(
            "pretrain", "-c", file.toString(), "--data", data.toString(), "-o", run.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(
        "fima: " + file + ": key 'epochs' is given twice, on line 1 and line 3", r.err().trim());
    assertEquals(text, Files.readString(file), "the file is left as it was");
    assertFalse(Files.exists(run));
  }

  @Test
  void pretrainingWithoutDataSaysHowToGiveItAndCreatesNothing() throws Exception {
    // As a user types it: no arguments at all, in a fresh folder, so the default run.output is
    // runs/latest there.
    Path work = Files.createDirectories(dir.resolve("no-arguments"));
    Process child = TinyRuns.start(List.of("pretrain"), dir.resolve("no-arguments-logs"), work);
    assertTrue(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "pretrain did not end");
    String err = TinyRuns.text(dir.resolve("no-arguments-logs/stderr.txt"));
    assertEquals(2, child.exitValue(), err);
    assertEquals(
        "fima: data.root: is required (the dataset folder); give it with --data DIR", err.trim());
    try (Stream<Path> created = Files.list(work)) {
      assertEquals(List.of(), created.toList(), "nothing is created before the data is found");
    }

    Path missing = dir.resolve("no-such-videos");
    Path run = dir.resolve("missing-data-run");
    CliRun r = CliRun.of(TinyRuns.pretrainArgs(missing, run, 1));
    assertEquals(2, r.code(), r.err());
    assertEquals("fima: " + missing + ": dataset root: folder not found", r.err().trim());
    assertFalse(Files.exists(run), "no run folder for a dataset that is not there");
  }

  @Test
  void maxSkippedStepsOutOfRangeIsRejectedNamingTheField() {
    CliRun r =
        CliRun.of(List.of("finetune", "--print-config", "--set", "checkpoint.maxSkippedSteps=0"));
    assertEquals(2, r.code());
    assertEquals("fima: checkpoint.maxSkippedSteps: must be >= 1, got 0", r.err().trim());
  }
}
