package dev.fima.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigBuilderTest {

  @TempDir Path dir;

  @Test
  void givesTheSameConfigurationAsTheEquivalentOverrideStrings() {
    LinearProbeConfig built =
        ConfigBuilder.of(LinearProbeConfig.defaults())
            .set(LinearProbeConfig::backbone, "runs/pretrain/backbone")
            .set(LinearProbeConfig::epochs, 7)
            .set(LinearProbeConfig::valFraction, 0.25)
            .set(LinearProbeConfig::averaging, Averaging.LOGITS)
            .set(LinearProbeConfig::lrGrid, List.of(0.5, 2.0))
            .edit(LinearProbeConfig::data, d -> d.set(DataConfig::dataset, DatasetKind.FOLDER))
            .edit(LinearProbeConfig::data, d -> d.set(DataConfig::root, "my-videos"))
            .edit(LinearProbeConfig::run, r -> r.set(RunConfig::seed, 9L))
            .edit(
                LinearProbeConfig::run,
                r -> r.edit(RunConfig::device, g -> g.set(DeviceConfig::count, 2)))
            .build();
    LinearProbeConfig loaded =
        Configs.load(
            LinearProbeConfig.defaults(),
            null,
            List.of(
                "backbone=runs/pretrain/backbone",
                "epochs=7",
                "valFraction=0.25",
                "averaging=logits",
                "lrGrid=[0.5, 2.0]",
                "data.dataset=folder",
                "data.root=my-videos",
                "run.seed=9",
                "run.device.count=2"));
    assertEquals(loaded, built);
    // Untouched fields keep the starting values; the start itself is not changed.
    assertEquals(LinearProbeConfig.defaults().clip(), built.clip());
    assertEquals(100, LinearProbeConfig.defaults().epochs());
  }

  @Test
  void aNestedRecordCanBeReplacedWhole() {
    ClipConfig clip = new ClipConfig(8, 1, 32, 1);
    RetrieveConfig built =
        ConfigBuilder.of(RetrieveConfig.defaults()).set(RetrieveConfig::clip, clip).build();
    assertEquals(clip, built.clip());
    // Two record types meet at Record, so the compiler lets this through; the builder does not.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConfigBuilder.of(RetrieveConfig.defaults())
                    .set(RetrieveConfig::clip, DataConfig.defaults()));
    assertEquals("RetrieveConfig.clip holds a ClipConfig, not a DataConfig", e.getMessage());
  }

  @Test
  void fieldsCheckedAgainstEachOtherCanBeChangedInAnyOrder() {
    // Defaults: blurSigmaMin 0.1, blurSigmaMax 2.0; a minimum of 3 alone would be invalid.
    AugmentConfig built =
        ConfigBuilder.of(AugmentConfig.defaults())
            .set(AugmentConfig::blurSigmaMin, 3.0)
            .set(AugmentConfig::blurSigmaMax, 5.0)
            .build();
    assertEquals(3.0, built.blurSigmaMin());
    assertEquals(5.0, built.blurSigmaMax());
  }

  @Test
  void anInvalidValueIsRefusedNamingTheDottedField() {
    ConfigBuilder<LinearProbeConfig> builder =
        ConfigBuilder.of(LinearProbeConfig.defaults())
            .edit(LinearProbeConfig::data, d -> d.set(DataConfig::split, 5));
    ConfigException e = assertThrows(ConfigException.class, builder::build);
    assertEquals("data.split", e.field());
    assertEquals("data.split: must be in [1, 3], got 5", e.getMessage());

    ConfigException top =
        assertThrows(
            ConfigException.class,
            () -> ConfigBuilder.of(ClipConfig.defaults()).set(ClipConfig::frames, 1).build());
    assertEquals("frames", top.field());
  }

  @Test
  void onlyRecordAccessorsNameFields() {
    ConfigBuilder<ClipConfig> builder = ConfigBuilder.of(ClipConfig.defaults());
    IllegalArgumentException lambda =
        assertThrows(IllegalArgumentException.class, () -> builder.set(c -> c.frames(), 8));
    assertTrue(lambda.getMessage().startsWith("name a field of ClipConfig by its accessor, e.g."));
    IllegalArgumentException derived =
        assertThrows(
            IllegalArgumentException.class, () -> builder.set(ClipConfig::windowFrames, 8));
    assertTrue(
        derived.getMessage().endsWith("got dev.fima.api.config.ClipConfig::windowFrames"),
        derived.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.set(ClipConfig::frames, null));
  }

  @Test
  void theCompilerRefusesAValueOfAnotherType() throws IOException {
    assertNotNull(ToolProvider.getSystemJavaCompiler(), "the tests run on a JDK");
    String ok =
        "ConfigBuilder.of(LinearProbeConfig.defaults()).set(LinearProbeConfig::epochs, 5)"
            + ".set(LinearProbeConfig::valFraction, 0.5)"
            + ".edit(LinearProbeConfig::run, r -> r.set(RunConfig::seed, 7L)).build();";
    assertEquals("", compile("Ok", ok), "a well-typed use compiles");
    for (String wrong :
        List.of(
            ".set(LinearProbeConfig::epochs, \"five\")",
            ".set(LinearProbeConfig::backbone, 5)",
            ".set(LinearProbeConfig::valFraction, 1)",
            ".set(LinearProbeConfig::averaging, Schedule.STEP)",
            ".set(LinearProbeConfig::lrGrid, List.of(1, 2))",
            ".edit(LinearProbeConfig::run, r -> r.set(RunConfig::seed, 7))")) {
      String errors =
          compile("Wrong", "ConfigBuilder.of(LinearProbeConfig.defaults())" + wrong + ";");
      assertTrue(errors.contains("error"), wrong + " must not compile");
    }
  }

  /** Compiles one statement against the test class path; returns the compiler's errors. */
  private String compile(String name, String statement) throws IOException {
    Path source = dir.resolve(name + ".java");
    Files.writeString(
        source,
        "import dev.fima.api.config.*;\nimport java.util.List;\nclass "
            + name
            + " { void run() { "
            + statement
            + " } }\n");
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    var files = compiler.getStandardFileManager(null, null, null);
    boolean compiled =
        compiler
            .getTask(
                errors,
                files,
                null,
                List.of(
                    "-proc:none",
                    "-d",
                    dir.toString(),
                    "-cp",
                    System.getProperty("java.class.path")),
                null,
                files.getJavaFileObjects(source))
            .call();
    files.close();
    return compiled ? "" : errors.toString();
  }
}
