package dev.fima.eval.features;

import ai.djl.ndarray.NDManager;
import ai.djl.util.Progress;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoEntry;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.eval.backbone.ParameterDigest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Frozen-backbone features of a part of a dataset, extracted once and reused from {@link
 * FeatureCache} while nothing that produced them changed. The file of a part is named after the
 * part and its views ({@code train-1x1.features}, {@code test-10x3.features}), so a probe and a
 * retrieval sharing an output folder do not overwrite each other's features.
 */
public final class CachedExtraction {

  private final SupervisedDataSource source;
  private final DataConfig data;
  private final ClipConfig clip;
  private final VideoBackbone backbone;
  private final String backboneDigest;
  private final NDManager manager;
  private final FeatureCache cache;
  private final ClipAugmenter normaliser;
  private Progress progress;

  /**
   * Prepares extraction.
   *
   * @param source opens the loaders
   * @param data the dataset
   * @param clip the clip geometry
   * @param backbone the frozen backbone, initialised on {@code manager}'s device
   * @param backboneDigest {@link ParameterDigest} of the backbone
   * @param manager the manager of the backbone's device
   * @param cacheFolder folder of the cache files
   */
  public CachedExtraction(
      SupervisedDataSource source,
      DataConfig data,
      ClipConfig clip,
      VideoBackbone backbone,
      String backboneDigest,
      NDManager manager,
      Path cacheFolder) {
    this.source = source;
    this.data = data;
    this.clip = clip;
    this.backbone = backbone;
    this.backboneDigest = backboneDigest;
    this.manager = manager;
    this.cache = new FeatureCache(cacheFolder);
    this.normaliser = source.augmenter(AugmentConfig.defaults());
  }

  /**
   * Shows the progress of each extraction (none by default); reuse from the cache shows nothing.
   *
   * @param progress where to show it, or {@code null} for nowhere
   * @return this extraction
   */
  public CachedExtraction showProgress(Progress progress) {
    this.progress = progress;
    return this;
  }

  /**
   * Returns the features of every view of a list of videos, from the cache or extracted.
   *
   * @param part which part of the split the videos are (names the cache file)
   * @param videos the videos
   * @param clips uniform clips per video
   * @param crops crops per clip
   * @param forwardBatch clips per backbone forward pass
   * @return the features and whether they were reused
   */
  public FeatureCache.Result features(
      Split part, List<VideoEntry> videos, int clips, int crops, int forwardBatch) {
    String name = part.name().toLowerCase(Locale.ROOT) + "-" + clips + "x" + crops;
    Map<String, Object> key = key(part, videos, clips, crops);
    int videosPerBatch = Math.max(1, forwardBatch / (clips * crops));
    return cache.getOrCompute(
        name,
        key,
        () -> {
          try (LabeledBatchLoader loader =
              source.evalLoader(data, clip, clips, crops, videos, videosPerBatch, progress)) {
            return FrozenFeatures.extract(
                backbone, loader, normaliser, manager, progress, "features " + name);
          }
        });
  }

  private Map<String, Object> key(Split part, List<VideoEntry> videos, int clips, int crops) {
    StringBuilder list = new StringBuilder();
    for (VideoEntry v : videos) {
      list.append(v.path().toAbsolutePath()).append('\t').append(v.label()).append('\n');
    }
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("backboneParameters", backboneDigest);
    key.put("dataSource", source.getClass().getName());
    key.put("dataset", data.dataset().name());
    key.put("split", data.split());
    key.put("part", part.name());
    key.put("videos", ParameterDigest.of(list.toString()));
    key.put("videoCount", videos.size());
    key.put("frames", clip.frames());
    key.put("stride", clip.stride());
    key.put("crop", clip.crop());
    key.put("shortSide", data.shortSide());
    key.put("clips", clips);
    key.put("crops", crops);
    return key;
  }
}
