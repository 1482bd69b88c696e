package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Binding;
import com.google.inject.Injector;
import com.google.inject.Key;
import dev.fima.api.DataException;
import dev.fima.api.jobs.Pretrainer;
import dev.fima.examples.Examples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {

  @Test
  void helpListsEverySubcommand() {
    CliRun r = CliRun.of("--help");
    assertEquals(0, r.code());
    for (String cmd :
        List.of(
            "demo",
            "synth",
            "pretrain",
            "linear-probe",
            "finetune",
            "test",
            "retrieve",
            "export",
            "example",
            "info")) {
      assertTrue(r.out().contains("  " + cmd + " "), "missing " + cmd + " in\n" + r.out());
    }
  }

  @Test
  void everySubcommandHasHelp() {
    for (String cmd :
        List.of("demo", "synth", "pretrain", "linear-probe", "finetune", "test", "retrieve")) {
      CliRun r = CliRun.of(cmd, "--help");
      assertEquals(0, r.code(), cmd);
      assertTrue(r.out().startsWith("Usage: fima " + cmd), r.out());
    }
  }

  @Test
  void exampleListsEveryBenchmarkExampleAndEachHasHelp() {
    CliRun r = CliRun.of("example");
    assertEquals(0, r.code(), r.err());
    List<String> names =
        List.of(
            "ucf101-pretrain",
            "k400-pretrain",
            "ucf101-finetune",
            "ucf101-linear",
            "hmdb51-finetune",
            "hmdb51-linear",
            "diving48-finetune",
            "ucf101-retrieve",
            "hmdb51-retrieve",
            "transfer");
    for (String name : names) {
      assertTrue(r.out().contains("  " + name + " "), "missing " + name + " in\n" + r.out());
      CliRun help = CliRun.of("example", name, "--help");
      assertEquals(0, help.code(), name);
      assertTrue(help.out().startsWith("Usage: fima example " + name), help.out());
      assertTrue(help.out().contains("--data=DIR"), help.out());
    }
  }

  @Test
  void infoPrintsTheOfflineEngineAndCpu() {
    CliRun r = CliRun.of("info");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("engine    PyTorch 2.7.1"), r.out());
    assertTrue(r.out().contains("cpu()"), r.out());
    assertTrue(r.out().contains("offline   true"), r.out());
  }

  @Test
  void printConfigShowsOverridesApplied() {
    CliRun r =
        CliRun.of(
            "pretrain", "--print-config", "--set", "optim.lr=0.5", "--seed", "7", "--gpus", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("lr: 0.5"), r.out());
    assertTrue(r.out().contains("seed: 7"), r.out());
    assertTrue(r.out().contains("type: gpu"), r.out());
    assertTrue(r.out().contains("count: 2"), r.out());
  }

  @Test
  void outOfRangeValueIsAOneLineErrorNamingTheField() {
    CliRun r = CliRun.of("pretrain", "--print-config", "--set", "optim.momentum=1.5");
    assertEquals(2, r.code());
    assertEquals("fima: optim.momentum: must be in [0, 0.9999], got 1.5", r.err().trim());
  }

  @Test
  void unknownFieldIsAnErrorNamingTheField() {
    CliRun r = CliRun.of("finetune", "--print-config", "--set", "optim.rate=1");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("fima: optim.rate: unknown field"), r.err());
  }

  @Test
  void shortcutThatDoesNotApplyIsRejected() {
    CliRun r = CliRun.of("synth", "--print-config", "--device", "gpu");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("Unknown options: '--device', 'gpu'"), r.err());
  }

  @Test
  void everyCommandsHelpIsCleanAndListsOnlyTheOptionsThatApply() {
    List<List<String>> commands = new ArrayList<>();
    collect(FimaCli.newCommandLine(), new ArrayList<>(), commands);
    assertTrue(
        commands.containsAll(
            List.of(List.of("synth"), List.of("bench", "soak"), List.of("example", "transfer"))),
        "the walk reaches the jobs, the benches and the examples: " + commands);
    // picocli reports a description it cannot format on System.err, not on the command's writer.
    PrintStream console = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      for (List<String> command : commands) {
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), command + ": " + r.err());
        assertTrue(r.out().startsWith("Usage: fima " + String.join(" ", command)), r.out());
        assertEquals("", r.err(), command.toString());
      }
    } finally {
      System.setErr(console);
    }
    assertEquals("", warnings.toString(StandardCharsets.UTF_8));

    String synth = CliRun.of("synth", "--help").out();
    for (String absent : List.of("--data", "--dataset", "--device", "--gpus")) {
      assertFalse(synth.contains(absent), absent + " does not apply to synth:\n" + synth);
    }
    assertTrue(synth.contains("Seed of every random choice (seed)."), synth);
    assertTrue(synth.contains("Output folder (output)."), synth);
    String pretrain = CliRun.of("pretrain", "--help").out();
    for (String field : List.of("(data.root)", "(run.device.type)", "(run.output)")) {
      assertTrue(pretrain.contains(field), field + " in\n" + pretrain);
    }
    assertTrue(pretrain.contains("Seed of every random choice (run.seed)."), pretrain);
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
    for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
      if (sub.getKey().equals("help")) {
        continue;
      }
      List<String> next = new ArrayList<>(path);
      next.add(sub.getKey());
      into.add(next);
      collect(sub.getValue(), next, into);
    }
  }

  @Test
  void synthSeedShortcutMapsToItsOwnField() {
    CliRun r = CliRun.of("synth", "--print-config", "--seed", "99", "--output", "x/y");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("seed: 99"), r.out());
    assertTrue(r.out().contains("output: x/y"), r.out());
  }

  @Test
  void prepareTakesTheDataShortcutAsItsInputAndTheShortSideOption() {
    CliRun r =
        CliRun.of(
            "prepare",
            "--print-config",
            "--data",
            "in/ucf",
            "-o",
            "out/ucf",
            "--short-side",
            "128");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("input: in/ucf"), r.out());
    assertTrue(r.out().contains("output: out/ucf"), r.out());
    assertTrue(r.out().contains("shortSide: 128"), r.out());
    CliRun odd = CliRun.of("prepare", "--print-config", "--short-side", "127");
    assertEquals(2, odd.code());
    assertTrue(odd.err().startsWith("fima: shortSide: must be even"), odd.err());
  }

  @Test
  void truncatedFilesAreSkippedByDefaultAndUsedOnRequest() {
    CliRun byDefault = CliRun.of("linear-probe", "--print-config");
    assertEquals(0, byDefault.code(), byDefault.err());
    assertTrue(byDefault.out().contains("truncated: SKIP"), byDefault.out());
    CliRun used = CliRun.of("pretrain", "--print-config", "--set", "data.truncated=use");
    assertEquals(0, used.code(), used.err());
    assertTrue(used.out().contains("truncated: USE"), used.out());
  }

  @Test
  void anInternalErrorIsOneLineSayingWhereItsTraceIs(@TempDir Path traces) throws Exception {
    Pretrainer broken =
        (config, resume) -> {
          throw new IllegalStateException("an index out of step");
        };
    String previous = System.setProperty(FimaCli.ERROR_DIR_PROPERTY, traces.toString());
    CliRun r;
    try {
      r = CliRun.of(b -> b.bind(Pretrainer.class).toInstance(broken), List.of("pretrain"));
    } finally {
      if (previous == null) {
        System.clearProperty(FimaCli.ERROR_DIR_PROPERTY);
      } else {
        System.setProperty(FimaCli.ERROR_DIR_PROPERTY, previous);
      }
    }
    assertEquals(FimaCli.INTERNAL_ERROR, r.code(), r.err());
    List<Path> written;
    try (Stream<Path> files = Files.list(traces)) {
      written = files.toList();
    }
    assertEquals(1, written.size(), written.toString());
    assertEquals(
        "fima: internal error: java.lang.IllegalStateException: an index out of step (a bug; the"
            + " full trace is in "
            + written.get(0)
            + ")",
        r.err().trim());
    String trace = Files.readString(written.get(0));
    assertTrue(trace.startsWith("java.lang.IllegalStateException: an index out of step"), trace);
    assertTrue(trace.contains("at dev.fima.cli.PretrainCommand.run"), trace);
  }

  @Test
  void aUserErrorCarriedByAnotherExceptionIsStillOneLine() {
    Pretrainer wrapping =
        (config, resume) -> {
          throw new java.util.concurrent.CompletionException(
              new DataException(Path.of("videos/a.avi"), "unreadable: moov atom not found"));
        };
    CliRun r = CliRun.of(b -> b.bind(Pretrainer.class).toInstance(wrapping), List.of("pretrain"));
    assertEquals(FimaCli.USER_ERROR, r.code(), r.err());
    assertEquals("fima: videos/a.avi: unreadable: moov atom not found", r.err().trim());
  }

  @Test
  void injectorResolvesEveryBoundInterface() {
    Injector injector = Examples.injector();
    int resolved = 0;
    for (Map.Entry<Key<?>, Binding<?>> e : injector.getBindings().entrySet()) {
      Class<?> type = e.getKey().getTypeLiteral().getRawType();
      if (type.getName().startsWith("dev.fima.api.")) {
        assertTrue(type.isInterface(), type + " should be bound as an interface");
        assertNotNull(injector.getInstance(e.getKey()), type.getName());
        resolved++;
      }
    }
    // Pretrainer, BackboneExporter, PretrainDataSource, SyntheticVideoGenerator, LinearProbe,
    // SupervisedDataSource, FineTuner, ClipTester, Retriever, DatasetPreparer.
    assertEquals(10, resolved);
    assertFalse(injector.getAllBindings().isEmpty());
  }
}
