package dev.fima.eval.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Turns a video (a file, or decoded clips) into the normalised views of one backbone forward pass,
 * and the backbone's {@code [map, pooled]} outputs into a feature vector or the feature maps. It
 * batches nothing itself: the K views of one input are the batch.
 *
 * @param <I> {@link java.nio.file.Path} or {@link NDArray}
 * @param <O> {@code float[]} or {@link FeatureMap}
 */
final class VideoFeatureTranslator<I, O> implements NoBatchifyTranslator<I, O> {

  private final BiFunction<NDManager, I, NDArray> views;
  private final Function<NDList, O> features;

  VideoFeatureTranslator(BiFunction<NDManager, I, NDArray> views, Function<NDList, O> features) {
    this.views = views;
    this.features = features;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, I input) {
    return new NDList(views.apply(ctx.getNDManager(), input));
  }

  @Override
  public O processOutput(TranslatorContext ctx, NDList list) {
    return features.apply(list);
  }
}
