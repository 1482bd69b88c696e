package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
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
}
