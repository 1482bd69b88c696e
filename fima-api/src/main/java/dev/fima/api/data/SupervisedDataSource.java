package dev.fima.api.data;

import ai.djl.util.Progress;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import java.util.List;

/**
 * What evaluation needs from the data side: labelled splits and clip loaders. As DJL's {@code
 * Dataset.prepare(Progress)}, the loaders report the indexing of their videos to a progress given
 * by the caller; the data side never prints.
 */
public interface SupervisedDataSource {

  /**
   * Reads a dataset's split files and checks them against the files on disk.
   *
   * @param data dataset kind, root and split
   * @return the split's videos and classes
   */
  VideoCatalog catalog(DataConfig data);

  /**
   * Opens a training loader: one random window per video per epoch, random resized crop and flip,
   * shuffled, last incomplete batch dropped (section 8 of the method notes).
   *
   * @param data decoding settings (workers, prefetch, resize)
   * @param clip clip geometry
   * @param augment crop scale and flip probability
   * @param videos the videos to draw from
   * @param batchSize samples per batch
   * @param seed seed of the order and the crops
   * @param progress receives the progress of indexing the videos, or {@code null} for none
   * @return an open loader of {@code [B, 3, T, S, S]} batches
   */
  LabeledBatchLoader trainLoader(
      DataConfig data,
      ClipConfig clip,
      AugmentConfig augment,
      List<VideoEntry> videos,
      int batchSize,
      long seed,
      Progress progress);

  /**
   * Opens an evaluation loader: {@code clips} uniformly spaced windows x {@code crops} crops per
   * video (1 = centre; 3 = left, centre, right along the long side), in video order, every video
   * delivered (the last batch may be smaller).
   *
   * @param data decoding settings
   * @param clip clip geometry
   * @param clips windows per video
   * @param crops crops per window, 1 or 3
   * @param videos the videos
   * @param batchSize videos per batch
   * @param progress receives the progress of indexing the videos, or {@code null} for none
   * @return an open loader of {@code [B, clips*crops, 3, T, S, S]} batches
   */
  LabeledBatchLoader evalLoader(
      DataConfig data,
      ClipConfig clip,
      int clips,
      int crops,
      List<VideoEntry> videos,
      int batchSize,
      Progress progress);

  /**
   * Returns the training-time colour augmentation of supervised training (grayscale, jitter,
   * normalisation; no blur).
   *
   * @param augment the strengths and probabilities
   * @return the augmenter
   */
  ClipAugmenter augmenter(AugmentConfig augment);
}
