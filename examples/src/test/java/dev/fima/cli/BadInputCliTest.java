package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.io.AtomicFiles;
import dev.fima.djl.backbone.BackboneArchive;
import dev.fima.djl.pretrain.PretrainCheckpoint;
import dev.fima.djl.train.CheckpointStore;
import dev.fima.djl.train.RunInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** A one-epoch pretraining run with checkpoints after steps 3 and 6, run on first use. */
  private static Path pretrained() {
    Path run = dir.resolve("pretrained");
    if (!hasCheckpoints(run)) {
      CliRun r = CliRun.of(TinyRuns.pretrainArgs(data, run, 1, "checkpoint.everySteps=3"));
      assertEquals(0, r.code(), r.err());
    }
    return run;
  }

  private static Path checkpoint(long step) {
    return pretrained()
        .resolve(CheckpointStore.FOLDER)
        .resolve(String.format("%s%012d", CheckpointStore.PREFIX, step));
  }

  private static Map<String, byte[]> contents(Path folder) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(folder)) {
      for (Path f : (Iterable<Path>) list::iterator) {
        files.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    return files;
  }

  private static void assertSameContents(Map<String, byte[]> expected, Path folder)
      throws IOException {
    Map<String, byte[]> actual = contents(folder);
    assertEquals(expected.keySet(), actual.keySet(), folder.toString());
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name), actual.get(name), name + " changed");
    }
  }

  /** Cuts a file to its first bytes, as an interrupted copy or a full disk leaves it. */
  private static void truncate(Path file, long size) throws IOException {
    try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private static List<String> temporaries(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(AtomicFiles.TEMP_PREFIX))
          .toList();
    }
  }

  @Test
  void exportIntoAFolderThatCannotBeWrittenIsOneLine() throws IOException {
    Path blocker = Files.writeString(dir.resolve("a-file"), "mine\n");
    Path target = blocker.resolve("backbone");
    CliRun r = CliRun.of("export", pretrained().toString(), "-o", target.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(
        "fima: "
            + target
            + ": cannot write the backbone: "
            + blocker.toAbsolutePath()
            + ": a file of that name is in the way",
        r.err().trim());
    assertEquals("mine\n", Files.readString(blocker));

    Path readOnly = Files.createDirectories(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      if (!Files.isWritable(readOnly)) { // root may write anywhere
        CliRun ro = CliRun.of("export", pretrained().toString(), "-o", readOnly + "/backbone");
        assertEquals(2, ro.code(), ro.err());
        assertTrue(
            ro.err().startsWith("fima: " + readOnly + "/backbone: cannot write the backbone: "),
            ro.err());
        assertTrue(ro.err().trim().endsWith(": permission denied"), ro.err());
      }
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void exportOverAnExportedBackboneIsRefusedUnlessForcedAndNeverDeletesOtherFiles()
      throws IOException {
    Path target = dir.resolve("exported");
    assertEquals(0, CliRun.of("export", checkpoint(3).toString(), "-o", target.toString()).code());
    Map<String, byte[]> first = contents(target);
    assertEquals(
        java.util.Set.of(
            BackboneArchive.DESCRIPTOR_FILE,
            BackboneArchive.PARAMETERS_FILE,
            BackboneArchive.SERVING_PROPERTIES_FILE),
        first.keySet());

    CliRun refused = CliRun.of("export", checkpoint(6).toString(), "-o", target.toString());
    assertEquals(2, refused.code(), refused.err());
    assertEquals(
        "fima: "
            + target
            + ": already holds an exported backbone: choose another folder, or add --force to"
            + " replace it",
        refused.err().trim());
    assertSameContents(first, target);

    CliRun forced =
        CliRun.of("export", checkpoint(6).toString(), "-o", target.toString(), "--force");
    assertEquals(0, forced.code(), forced.err());
    assertEquals(
        6,
        BackboneArchive.readDescriptor(target).extra().get("pretraining") instanceof Map<?, ?> p
            ? ((Number) p.get("step")).intValue()
            : -1,
        "the backbone of step 6 replaced the one of step 3");
    assertEquals(List.of(), temporaries(dir), "no partial folder is left beside it");

    Files.writeString(target.resolve("notes.txt"), "my notes\n");
    Map<String, byte[]> withNotes = contents(target);
    CliRun kept = CliRun.of("export", checkpoint(3).toString(), "-o", target.toString(), "--force");
    assertEquals(2, kept.code(), kept.err());
    assertEquals(
        "fima: "
            + target
            + ": holds files that are not an exported backbone (notes.txt): export into a new or"
            + " empty folder",
        kept.err().trim());
    assertSameContents(withNotes, target);
  }

  @Test
  void aTruncatedOrEmptyParametersFileIsNamedWithBothSizes() throws IOException {
    Path exported = dir.resolve("to-truncate");
    assertEquals(0, CliRun.of("export", pretrained().toString(), "-o", exported.toString()).code());
    long full = Files.size(exported.resolve(BackboneArchive.PARAMETERS_FILE));
    for (long size : new long[] {1000, 0}) {
      Path cut = dir.resolve("cut-" + size);
      Files.createDirectories(cut);
      for (String f : List.of(BackboneArchive.DESCRIPTOR_FILE, BackboneArchive.PARAMETERS_FILE)) {
        Files.copy(exported.resolve(f), cut.resolve(f));
      }
      Path params = cut.resolve(BackboneArchive.PARAMETERS_FILE);
      truncate(params, size);
      Map<String, byte[]> before = contents(cut);
      CliRun r =
          CliRun.of(
              "linear-probe",
              "--backbone",
              cut.toString(),
              "--data",
              data.toString(),
              "-o",
              dir.resolve("probe-" + size).toString(),
              "--set",
              "clip.frames=8",
              "--set",
              "clip.crop=32");
      assertEquals(2, r.code(), r.err());
      assertEquals(
          "fima: "
              + params
              + ": is truncated: it has "
              + size
              + " bytes, the parameters of this backbone take "
              + full
              + " (an interrupted copy or export?); copy or export it again",
          r.err().trim());
      assertSameContents(before, cut);
    }
  }

  @Test
  void aCheckpointOfAnotherKindOrFormatSaysWhatItIs() throws IOException {
    // A fine-tuning checkpoint given to pretraining: its state has no format number.
    Path finetune = dir.resolve("finetune-run/checkpoints/checkpoint-000000000003");
    Files.createDirectories(finetune);
    Path finetuneState = finetune.resolve(PretrainCheckpoint.STATE);
    Files.writeString(
        finetuneState,
        "{\"nextEpoch\":1,\"nextBatch\":0,\"step\":3,\"validations\":[],\"bestEpoch\":0,"
            + "\"bestValidationTop1\":-1.0}");
    CliRun r = CliRun.of("export", dir.resolve("finetune-run").toString(), "-o", dir + "/x");
    assertEquals(2, r.code(), r.err());
    assertEquals(
        "fima: "
            + finetuneState
            + ": is a fine-tuning checkpoint's state, not a pretraining one: resume it with fima"
            + " finetune --resume",
        r.err().trim());

    // And the other way round: a pretraining run given to fine-tuning.
    CliRun tuned =
        CliRun.of(
            concat(
                TinyRuns.finetuneArgs(data, dir.resolve("tuned"), 1),
                "--resume",
                pretrained().toString()));
    assertEquals(2, tuned.code(), tuned.err());
    assertEquals(
        "fima: "
            + checkpoint(6).resolve(PretrainCheckpoint.STATE)
            + ": is a pretraining checkpoint's state, not a fine-tuning one: export its backbone"
            + " (fima export) and give that as --backbone",
        tuned.err().trim());

    // A checkpoint of a later format: copied from a real one, its manifest redone.
    Path later = dir.resolve("later/checkpoints/checkpoint-000000000006");
    Files.createDirectories(later);
    for (Map.Entry<String, byte[]> f : contents(checkpoint(6)).entrySet()) {
      Files.write(later.resolve(f.getKey()), f.getValue());
    }
    Path state = later.resolve(PretrainCheckpoint.STATE);
    com.fasterxml.jackson.databind.node.ObjectNode json =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            dev.fima.api.config.Configs.json().readTree(state.toFile());
    json.put("format", 2);
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("versions")).put("fima-j", "9.9");
    Files.writeString(state, json.toString());
    dev.fima.djl.train.CheckpointManifest.write(later);
    Path run = dir.resolve("later-resumed");
    CliRun resumed =
        CliRun.of(
            concat(
                TinyRuns.pretrainArgs(data, run, 1), "--resume", dir.resolve("later").toString()));
    assertEquals(2, resumed.code(), resumed.err());
    assertEquals(
        "fima: "
            + state
            + ": was written by FIMA-J 9.9 in checkpoint format 2; this version of FIMA-J ("
            + RunInfo.fimaVersion()
            + ") reads format 1",
        resumed.err().trim());
    assertFalse(Files.exists(run), "nothing is written for a checkpoint that cannot be read");
  }

  @Test
  void outputsGetTheUsersDefaultPermissionsNotOwnerOnly() throws IOException {
    // What the umask of this process gives a new file and folder.
    Set<PosixFilePermission> file =
        Files.getPosixFilePermissions(Files.createFile(dir.resolve("umask-file")));
    Set<PosixFilePermission> folder =
        Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("umask-folder")));
    Path exported = dir.resolve("umask-export");
    assertEquals(0, CliRun.of("export", pretrained().toString(), "-o", exported.toString()).code());
    int checked = 0;
    for (Path root : List.of(data, pretrained(), exported)) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : (Iterable<Path>) walk::iterator) {
          Set<PosixFilePermission> expected = Files.isDirectory(p) ? folder : file;
          assertEquals(
              PosixFilePermissions.toString(expected),
              PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
              p.toString());
          checked++;
        }
      }
    }
    // The split files, run files, checkpoint files and folders and the export all count.
    assertTrue(checked > 30, checked + " paths");
  }

  @Test
  void featureExtractionOfTheProbeAndRetrievalShowsAProgressBar() throws Exception {
    for (String job : List.of("linear-probe", "retrieve")) {
      Path logs = dir.resolve(job + "-logs");
      Process child =
          TinyRuns.start(
              List.of(
                  job,
                  "--backbone",
                  "random:r3d-tiny?width=0.5",
                  "--data",
                  data.toString(),
                  "-o",
                  dir.resolve(job + "-run").toString(),
                  "--set",
                  "clip.frames=8",
                  "--set",
                  "clip.stride=1",
                  "--set",
                  "clip.crop=32",
                  "--set",
                  "run.threads=1"),
              logs);
      assertTrue(child.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), job + " did not end");
      String out = TinyRuns.text(logs.resolve("stdout.txt"));
      assertEquals(0, child.exitValue(), out + TinyRuns.text(logs.resolve("stderr.txt")));
      // Off a terminal the bar prints a line at each tenth: 4 test videos, one per batch.
      for (String line :
          List.of(
              "features test-10x1  50% |===============               | 2/4 batches, 2 videos",
              "features test-10x1  70% |=====================         | 3/4 batches, 3 videos",
              "features test-10x1 100% |==============================| 4/4 batches, 4 videos")) {
        assertTrue(out.contains(line), job + ":\n" + out);
      }
    }
  }

  /**
   * Checkpoint writes on a disk that fills up during the {@code n}th: each checkpoint is written by
   * the real atomic writer, and the {@code n}th fails as Java reports a full disk, with half of its
   * model file on disk.
   */
  private static com.google.inject.Module diskFullAt(int n) {
    AtomicInteger writes = new AtomicInteger();
    CheckpointStore.FolderWrites filling =
        (target, contents) ->
            AtomicFiles.writeFolder(
                target,
                folder -> {
                  contents.write(folder);
                  if (writes.incrementAndGet() == n) {
                    Path model = folder.resolve(PretrainCheckpoint.MODEL);
                    truncate(model, Files.size(model) / 2);
                    throw new IOException("No space left on device");
                  }
                });
    return binder -> binder.bind(CheckpointStore.FolderWrites.class).toInstance(filling);
  }

  @Test
  void aDiskThatFillsUpKeepsTheLastGoodCheckpointAndRemovesThePartialOne() throws IOException {
    Path run = dir.resolve("disk-full");
    Path checkpoints = run.resolve(CheckpointStore.FOLDER);
    CliRun r = CliRun.of(diskFullAt(2), TinyRuns.pretrainArgs(data, run, 2));
    assertEquals(2, r.code(), r.err());
    Path kept = checkpoints.resolve("checkpoint-000000000006");
    assertEquals(
        "fima: "
            + checkpoints
            + ": cannot write the checkpoint of step 12: No space left on device; the last good"
            + " checkpoint, "
            + kept
            + ", is kept: free some space, then continue with --resume "
            + run,
        r.err().trim());
    try (Stream<Path> left = Files.list(checkpoints)) {
      assertEquals(List.of(kept), left.toList(), "the partial checkpoint is removed");
    }
    assertTrue(dev.fima.djl.train.CheckpointManifest.check(kept, true).isEmpty());

    // Space freed, the run continues from the kept checkpoint to its end.
    CliRun resumed =
        CliRun.of(concat(TinyRuns.pretrainArgs(data, run, 2), "--resume", run.toString()));
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(12, TinyRuns.steps(run).size());

    // A disk full at the first checkpoint: nothing to keep, and the message says so.
    Path first = dir.resolve("disk-full-first");
    CliRun none = CliRun.of(diskFullAt(1), TinyRuns.pretrainArgs(data, first, 1));
    assertEquals(2, none.code(), none.err());
    assertEquals(
        "fima: "
            + first.resolve(CheckpointStore.FOLDER)
            + ": cannot write the checkpoint of step 6: No space left on device; no checkpoint"
            + " was written before it, so this run has to start again",
        none.err().trim());
    assertEquals(List.of(), temporaries(first.resolve(CheckpointStore.FOLDER)));
  }

  @Test
  void aDiskTooSmallForTheKeptCheckpointsIsAWarningBeforeTraining() {
    Path run = dir.resolve("small-disk");
    PrintStream console = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    CliRun r;
    try {
      // No disk holds a hundred million checkpoints of 0.9 MB.
      r = CliRun.of(TinyRuns.pretrainArgs(data, run, 1, "checkpoint.keep=100000000"));
    } finally {
      System.setErr(console);
    }
    assertEquals(0, r.code(), r.err());
    String warnings = log.toString(StandardCharsets.UTF_8);
    assertTrue(
        warnings.contains(run.resolve(CheckpointStore.FOLDER) + ": the disk has "), warnings);
    assertTrue(
        warnings.contains(
            " MB free, but checkpoint.keep = 100000000 checkpoints of about 0.9 MB (0 written so"
                + " far) and the next one while it is written need "),
        warnings);
  }

  private static List<String> concat(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }

  @Test
  void maxSkippedStepsOutOfRangeIsRejectedNamingTheField() {
    CliRun r =
        CliRun.of(List.of("finetune", "--print-config", "--set", "checkpoint.maxSkippedSteps=0"));
    assertEquals(2, r.code());
    assertEquals("fima: checkpoint.maxSkippedSteps: must be >= 1, got 0", r.err().trim());
  }
}
