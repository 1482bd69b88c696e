/**
 * FIMA-J backbones as DJL models: {@link dev.fima.eval.zoo.VideoFeatureTranslatorFactory} makes the
 * translators from a video (file or decoded clips) to its features, and {@link
 * dev.fima.eval.zoo.FimaModelZoo} finds backbones by name for {@code Criteria}. They live in
 * fima-eval because a translator of video files needs both the backbone (fima-djl) and a video
 * decoder, which it reaches through the fima-api {@code SupervisedDataSource} interface (fima-djl
 * never sees fima-datasets).
 */
package dev.fima.eval.zoo;
