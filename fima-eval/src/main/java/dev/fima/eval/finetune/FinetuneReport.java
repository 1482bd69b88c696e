package dev.fima.eval.finetune;

import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.OptimConfig;
import dev.fima.eval.backbone.OpenedBackbone;
import dev.fima.eval.report.Protocol;
import dev.fima.eval.session.EvalSession;
import java.nio.file.Path;
import java.util.Locale;

/** The text of a fine-tuning report: its protocol block and its notes. */
final class FinetuneReport {

  private FinetuneReport() {}

  /**
   * What the fine-tuned numbers depend on.
   *
   * @param config the run's configuration
   * @param session the dataset and device
   * @param backbone the backbone fine-tuned
   * @param initialDigest the SHA-256 of its parameters before fine-tuning
   * @param steps optimiser steps trained
   * @param trainVideos videos trained on
   * @param validationVideos videos held out for validation (0 for none)
   * @param resumedFrom the checkpoint the run was resumed from, or {@code null}
   * @return the protocol
   */
  static Protocol protocol(
      FinetuneConfig config,
      EvalSession session,
      OpenedBackbone backbone,
      String initialDigest,
      long steps,
      int trainVideos,
      int validationVideos,
      Path resumedFrom) {
    OptimConfig o = config.optim();
    AugmentConfig a = config.augment();
    return Protocol.start(
            config.data(), session.catalog(), config.clip(), config.run(), session.device())
        .backbone(backbone, initialDigest)
        .put("head", "dropout " + config.dropout() + ", linear, softmax cross-entropy")
        .put("epochs", config.epochs())
        .put("steps", steps)
        .put("batch", config.batchSize())
        .put("lr", o.scaledLr(config.batchSize()))
        .put("lrAtReferenceBatch", o.lr() + " at " + o.referenceBatch())
        .put("momentum", o.momentum())
        .put("weightDecay", o.weightDecay())
        .put("schedule", schedule(o))
        .put("gradClip", o.gradClip() == 0 ? "off" : o.gradClip())
        .put(
            "augmentation",
            String.format(
                Locale.ROOT,
                "random window, resized crop scale [%s, %s], flip %s, grayscale %s, jitter %s"
                    + " (%s/%s/%s/%s), no blur",
                a.minScale(),
                a.maxScale(),
                a.flipProbability(),
                a.grayscaleProbability(),
                a.jitterProbability(),
                a.brightness(),
                a.contrast(),
                a.saturation(),
                a.hue()))
        .put("trainVideos", trainVideos)
        .put(
            "validationVideos",
            validationVideos == 0
                ? "none (valFraction 0: no best epoch is chosen)"
                : validationVideos
                    + " (stratified "
                    + config.valFraction()
                    + ", seed "
                    + config.run().seed()
                    + ")")
        .put("testClipsPerVideo", config.testClips() + " x " + config.testCrops())
        .put("averaging", config.averaging().name().toLowerCase(Locale.ROOT))
        .put("resumedFrom", resumedFrom == null ? null : resumedFrom.toAbsolutePath());
  }

  /**
   * Says which numbers are whose when a best validation epoch is reported too.
   *
   * @param bestEpoch the 1-based best epoch
   * @return the note
   */
  static String bestEpochNote(int bestEpoch) {
    return "top1, top5 and the per-class files are the last epoch's; the epoch with the best"
        + " validation top-1 (epoch "
        + bestEpoch
        + ", chosen on the held-out part of the training split) is reported separately";
  }

  private static String schedule(OptimConfig o) {
    String warmup = o.warmupEpochs() > 0 ? ", warm-up " + o.warmupEpochs() + " epochs" : "";
    return switch (o.schedule()) {
      case STEP -> "step x" + o.gamma() + " at epochs " + o.milestones() + warmup;
      case COSINE -> "cosine to 0" + warmup;
      case CONSTANT -> "constant" + warmup;
    };
  }
}
