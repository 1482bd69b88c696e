package dev.fima.api.config;

import java.util.List;

/**
 * Video retrieval: test videos query the training gallery by cosine similarity of centred,
 * L2-normalised clip-averaged backbone features.
 *
 * @param backbone exported backbone folder, or {@code random:<name>}
 * @param data the labelled dataset
 * @param clip clip geometry
 * @param clips uniform clips per video whose features are averaged
 * @param ks the k of each recall@k
 * @param batchSize clips per forward pass
 * @param run seed, devices, output folder
 */
public record RetrieveConfig(
    String backbone,
    DataConfig data,
    ClipConfig clip,
    int clips,
    List<Integer> ks,
    int batchSize,
    RunConfig run) {

  /** Validates the ranges. */
  public RetrieveConfig {
    Check.present("data", data);
    Check.present("clip", clip);
    Check.present("run", run);
    Check.atLeast("clips", clips, 1);
    ks = ks == null ? List.of() : List.copyOf(ks);
    Check.that(!ks.isEmpty(), "ks", "must list at least one k");
    Check.allPositive("ks", ks);
    Check.atLeast("batchSize", batchSize, 1);
  }

  /**
   * Returns the FAME protocol: 10 clips, recall at 1, 5, 10, 20 and 50.
   *
   * @return the defaults
   */
  public static RetrieveConfig defaults() {
    return new RetrieveConfig(
        null,
        DataConfig.defaults(),
        ClipConfig.defaults(),
        10,
        List.of(1, 5, 10, 20, 50),
        10,
        RunConfig.defaults());
  }
}
