package dev.fima.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which parts of the colour augmentation the frame-difference ("motion") clips get, each switchable
 * on its own. The reference (section 1.3 of the method notes) runs the whole RGB pipeline on every
 * difference clip with its own random draw: grayscale, photometric jitter, blur and the Kinetics
 * normalisation. On small motion-only videos that jitter shifts a whole difference clip by more
 * than its motion changes it (BENCHMARKS.md, "Motion terms"), so the parts can be switched off one
 * by one, or the colour parameters can be the ones drawn for the RGB view of the same window.
 *
 * <p>In a configuration file or an override the section is either its fields or one of the preset
 * names {@code reference}, {@code no_jitter}, {@code shared_jitter} and {@code none} (for example
 * {@code --set augment.diff=no_jitter}); {@link #presets()} lists what each one sets.
 *
 * @param jitter photometric jitter (brightness, contrast, saturation, hue with the RGB strengths
 *     and probability)
 * @param grayscale random grayscale with the RGB probability
 * @param blur random Gaussian blur with the RGB probability and sigma range
 * @param normalize the Kinetics mean and standard deviation of the RGB clips; off leaves the
 *     difference values in [0, 1] around 0.5
 * @param shareRgbDraw take the colour parameters (grayscale, jitter factors, blur sigma) of the RGB
 *     view the clip was cut from (its window's global clip) instead of an independent draw; the
 *     crop is shared already
 */
public record DiffAugmentConfig(
    boolean jitter, boolean grayscale, boolean blur, boolean normalize, boolean shareRgbDraw) {

  /**
   * Returns the reference's augmentation of difference clips: every part, drawn independently.
   *
   * @return the reference preset
   */
  public static DiffAugmentConfig reference() {
    return new DiffAugmentConfig(true, true, true, true, false);
  }

  /**
   * Returns the reference without the photometric jitter: grayscale, blur and normalisation stay.
   *
   * @return the {@code no_jitter} preset
   */
  public static DiffAugmentConfig noJitter() {
    return new DiffAugmentConfig(false, true, true, true, false);
  }

  /**
   * Returns every part with the colour parameters of the RGB view of the same window.
   *
   * @return the {@code shared_jitter} preset
   */
  public static DiffAugmentConfig sharedJitter() {
    return new DiffAugmentConfig(true, true, true, true, true);
  }

  /**
   * Returns no colour change at all; only the normalisation stays, so that the shared key encoder
   * sees difference clips on the scale of augmented ones.
   *
   * @return the {@code none} preset
   */
  public static DiffAugmentConfig none() {
    return new DiffAugmentConfig(false, false, false, true, false);
  }

  /**
   * Returns the presets by their configuration names.
   *
   * @return {@code reference}, {@code no_jitter}, {@code shared_jitter}, {@code none}
   */
  public static Map<String, DiffAugmentConfig> presets() {
    Map<String, DiffAugmentConfig> presets = new LinkedHashMap<>();
    presets.put("reference", reference());
    presets.put("no_jitter", noJitter());
    presets.put("shared_jitter", sharedJitter());
    presets.put("none", none());
    return presets;
  }

  /**
   * Returns a preset by its name, the form a configuration may give instead of the fields.
   *
   * @param name a name of {@link #presets()}, in any case
   * @return the preset
   * @throws IllegalArgumentException naming the presets when the name is not one of them
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static DiffAugmentConfig preset(String name) {
    DiffAugmentConfig preset = presets().get(name.trim().toLowerCase(Locale.ROOT));
    if (preset == null) {
      throw new IllegalArgumentException(
          "unknown preset '"
              + name
              + "'; known: "
              + String.join(", ", presets().keySet())
              + " (or the fields jitter, grayscale, blur, normalize, shareRgbDraw)");
    }
    return preset;
  }

  /**
   * Returns whether any colour change (not counting the normalisation) is applied.
   *
   * @return true when jitter, grayscale or blur is on
   */
  public boolean colours() {
    return jitter || grayscale || blur;
  }
}
