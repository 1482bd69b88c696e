package dev.fima.eval.classify;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.djl.backbone.VideoBackbone;

/**
 * A backbone with a classification head: pooled features, dropout, and a linear layer returning raw
 * logits {@code [B, classes]} (train with softmax cross-entropy on them). The dropout rate is
 * exactly the configured one; the reference silently overrides it per dataset.
 */
public final class VideoClassifier extends AbstractBlock {

  private final VideoBackbone backbone;
  private final Dropout dropout;
  private final Linear head;
  private final int classes;
  private final float dropoutRate;

  /**
   * Wraps a backbone.
   *
   * @param backbone the backbone (initialised or not)
   * @param classes number of classes
   * @param dropoutRate dropout before the linear layer, in [0, 1)
   */
  public VideoClassifier(VideoBackbone backbone, int classes, float dropoutRate) {
    this.backbone = addChildBlock("backbone", backbone);
    this.dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
    this.head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    this.classes = classes;
    this.dropoutRate = dropoutRate;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList pooled = new NDList(backbone.forward(ps, inputs, training).get(1));
    return head.forward(ps, dropout.forward(ps, pooled, training), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    if (!backbone.isInitialized()) {
      backbone.initialize(manager, dataType, inputShapes);
    }
    Shape pooled = new Shape(inputShapes[0].get(0), backbone.featureChannels());
    dropout.initialize(manager, dataType, pooled);
    head.initialize(manager, dataType, pooled);
  }

  /**
   * Returns the backbone.
   *
   * @return the backbone
   */
  public VideoBackbone backbone() {
    return backbone;
  }

  /**
   * Returns the linear head.
   *
   * @return the head
   */
  public Linear head() {
    return head;
  }

  /**
   * Returns the number of classes.
   *
   * @return classes
   */
  public int classes() {
    return classes;
  }

  /**
   * Returns the dropout rate before the head.
   *
   * @return the rate
   */
  public float dropoutRate() {
    return dropoutRate;
  }
}
