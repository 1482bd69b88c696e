package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.util.Progress;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Method;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.djl.DjlModule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Impossible clip/backbone/model combinations fail before any work, naming the field. */
class PretrainModelsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "clip.frames=10; clip.frames",
        "clip.crop=36; clip.crop",
        "clip.localClips=4; clip.localClips",
        "backbone.temporalStride=8; clip.localClips",
        "backbone.name=r3d-huge; backbone.name",
        "backbone.blocks=[1, 1]; backbone.blocks",
        "model.decoderDim=31; model.decoderDim",
        "model.positional=sine_2d; model.decoderDim",
      })
  void impossibleCombinationsNameTheField(String override, String field) {
    String[] overrides =
        override.startsWith("model.positional")
            ? new String[] {override, "model.decoderDim=34", "model.decoderHeads=2"}
            : override.startsWith("model.decoderDim")
                ? new String[] {override, "model.decoderHeads=1"}
                : new String[] {override};
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> PretrainModels.validate(TinyFima.config(overrides)));
    assertEquals(field, e.field(), e.getMessage());
  }

  @Test
  void i3dAcceptsA112CropThatItsLastPoolRoundsUp() {
    PretrainModels.validate(
        TinyFima.config("backbone.name=i3d-tiny", "clip.crop=112", "clip.frames=8"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                PretrainModels.validate(
                    TinyFima.config("backbone.name=i3d-tiny", "clip.crop=120")));
    assertEquals("clip.crop", e.field());
  }

  @Test
  void theBaselineNeedsNoLocalClipPerSlice() {
    PretrainModels.validate(TinyFima.config("model.method=moco", "clip.localClips=4"));
  }

  @Test
  void topKForegroundNeedsAGridThatDividesTheCrop() {
    // r3d-tiny at 40 pixels: 5x5 grid, 40 / 5 = 8 pixels per cell, fine; i3d-tiny at 48: 2x2 of 48.
    PretrainModels.validate(TinyFima.config("clip.crop=40", "model.foreground=top_k_diff"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                PretrainModels.validate(
                    TinyFima.config(
                        "backbone.name=i3d-tiny", "clip.crop=80", "model.foreground=top_k_diff")));
    assertEquals("model.foreground", e.field());
    assertTrue(e.getMessage().contains("3x3"), e.getMessage());
  }

  /**
   * The model is the one of the configuration's {@code model.method}: a module that binds a model
   * for MOCO replaces the built-in one in the injector's factory, FIMA keeps its own, and the
   * configuration is still validated first.
   */
  @Test
  void theModelIsTheOneBoundForTheConfiguredMethod() {
    List<Method> built = new ArrayList<>();
    PretrainModelFactory moco =
        (config, manager, devices) -> {
          built.add(config.model().method());
          return new MocoModel(config, manager, devices);
        };
    Injector injector =
        Guice.createInjector(
            new DjlModule(),
            binder -> {
              binder.bind(PretrainDataSource.class).toInstance(new NoData());
              DjlModule.models(binder).addBinding(Method.MOCO).toInstance(moco);
            });
    PretrainModelFactory models = injector.getInstance(PretrainModelFactory.class);
    try (NDManager m = NDManager.newBaseManager()) {
      assertTrue(
          models.create(TinyFima.config("model.method=moco"), m, m.getDevice())
              instanceof MocoModel);
      assertEquals(List.of(Method.MOCO), built);
      assertTrue(models.create(TinyFima.config(), m, m.getDevice()) instanceof FimaPretrainModel);
      assertEquals(List.of(Method.MOCO), built);
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () ->
                  models.create(
                      TinyFima.config("model.method=moco", "clip.crop=36"), m, m.getDevice()));
      assertEquals("clip.crop", e.field());
      assertEquals(List.of(Method.MOCO), built);
    }
  }

  /** The pretraining binding needs a data source; model tests never open it. */
  private static final class NoData implements PretrainDataSource {
    @Override
    public PretrainBatchLoader open(PretrainConfig config, Progress progress) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PretrainAugmenter augmenter(PretrainConfig config) {
      throw new UnsupportedOperationException();
    }
  }
}
