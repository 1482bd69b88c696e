package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import dev.fima.api.config.LossConfig;
import dev.fima.djl.model.FeatureQueue;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.MotionOutputs;
import dev.fima.djl.model.ViewOutputs;
import dev.fima.djl.nd.Scalars;
import dev.fima.djl.nd.StepPhases;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The FIMA objective (section 4(d) of the method notes) and its queues:
 *
 * <pre>
 * L = w_inst L_inst + w_local L_local + w_dense L_dense
 * L_dense = mean over views v and slices t of dense(P_v^t, z_v^t | all slices of z_v)
 * </pre>
 *
 * <p>{@link InstanceContrastLoss}, {@link LocalMotionContrastLoss} and {@link
 * DenseMotionContrastLoss} compute the terms. A term whose weight is 0 is not computed at all (the
 * "no local" and "no dense" ablations), and outputs without motion fields (the MoCo baseline) give
 * the instance term alone. Each term is reported unweighted, with the instance and local top-1
 * accuracies and the share of samples the dense term kept; each motion term beside its chance value
 * (its value when every similarity is equal), and the statistics that show a collapse ({@link
 * CollapseStatistics}): the mean pairwise cosine of the class-token predictions and of the local
 * keys within the batch, and the share of grid cells the foreground masks keep.
 *
 * <p>The queues are read while the terms are computed and written only by {@link #enqueue}, which
 * the training loop calls after backward: an in-place write before backward would invalidate the
 * graph. With {@link LossConfig#referenceEnqueueOrder()} the instance term's second half sees the
 * queue as it would be after enqueueing the n keys, as in the reference.
 */
public final class FimaLoss extends Loss {

  /** Name of the weighted total. */
  public static final String TOTAL = "loss";

  /** Name of the instance term. */
  public static final String INSTANCE = "instance";

  /** Name of the local motion term. */
  public static final String LOCAL = "local";

  /** Name of the dense motion term. */
  public static final String DENSE = "dense";

  /** Name of the top-1 accuracy of the instance logits. */
  public static final String INSTANCE_ACCURACY = "instance_acc";

  /** Name of the top-1 accuracy of the local logits. */
  public static final String LOCAL_ACCURACY = "local_acc";

  /** Name of the share of samples the dense term kept (those with at least one positive pair). */
  public static final String DENSE_KEPT = "dense_kept";

  /** Suffix of a term's chance value: the term's value when every similarity is equal. */
  public static final String CHANCE_SUFFIX = "_chance";

  /** Name of the local term's chance value, {@code ln} of its candidates per prediction. */
  public static final String LOCAL_CHANCE = LOCAL + CHANCE_SUFFIX;

  /** Name of the dense term's chance value, {@code ln(candidates / positives)} per cell. */
  public static final String DENSE_CHANCE = DENSE + CHANCE_SUFFIX;

  /**
   * Name of the mean pairwise cosine of the class-token predictions within the batch (1 when the
   * decoder predicts one vector for every video).
   */
  public static final String PREDICTION_COSINE = "cls_pred_cos";

  /** Name of the mean pairwise cosine of the local motion keys (the local term's targets). */
  public static final String TARGET_COSINE = "local_key_cos";

  /** Name of the share of grid cells the foreground masks keep for the dense term. */
  public static final String FOREGROUND_SHARE = "foreground";

  /** Arrays of a packed view before its motion part: query, key, crop. */
  private static final int VIEW_ARRAYS = 3;

  /** Arrays of a packed view per slice of its motion part. */
  private static final int ARRAYS_PER_SLICE = 4;

  private final LossConfig config;
  private final ContrastQueues queues;
  private final InstanceContrastLoss instance;
  private final LocalMotionContrastLoss local;
  private final DenseMotionContrastLoss dense;

  /**
   * Creates the objective.
   *
   * @param config temperatures, weights and options
   * @param queues the run's queues (read here, written by {@link #enqueue})
   */
  public FimaLoss(LossConfig config, ContrastQueues queues) {
    super("fima");
    this.config = config;
    this.queues = queues;
    this.instance = new InstanceContrastLoss(config.temperature());
    this.local = new LocalMotionContrastLoss(config.temperature(), config.localNegatives());
    this.dense = new DenseMotionContrastLoss(config.denseTemperature(), config.posRatio());
  }

  /**
   * Returns the names this loss reports for outputs with or without motion fields, total first.
   *
   * @param motion whether the outputs carry motion fields (FIMA rather than MoCo)
   * @return the names in report order
   */
  public List<String> names(boolean motion) {
    List<String> names = new ArrayList<>();
    names.add(TOTAL);
    if (instanceActive()) {
      names.add(INSTANCE);
    }
    if (motion && localActive()) {
      names.add(LOCAL);
      names.add(LOCAL_CHANCE);
    }
    if (motion && denseActive()) {
      names.add(DENSE);
      names.add(DENSE_CHANCE);
    }
    if (instanceActive()) {
      names.add(INSTANCE_ACCURACY);
    }
    if (motion && localActive()) {
      names.add(LOCAL_ACCURACY);
    }
    if (motion && denseActive()) {
      names.add(DENSE_KEPT);
    }
    if (motion && localActive()) {
      names.add(PREDICTION_COSINE);
      names.add(TARGET_COSINE);
    }
    if (motion && denseActive()) {
      names.add(FOREGROUND_SHARE);
    }
    return names;
  }

  /**
   * Returns the batch statistics among reported names: the values on another scale than the losses
   * (cosines and shares), which plots put on a second axis.
   *
   * @param names names as {@link #names} returns them
   * @return those of them that are statistics, in the same order
   */
  public static List<String> statistics(List<String> names) {
    List<String> statistics = List.of(PREDICTION_COSINE, TARGET_COSINE, FOREGROUND_SHARE);
    return names.stream().filter(statistics::contains).toList();
  }

  /**
   * Computes every active term of a step. With the reference enqueue order, the second instance
   * half sees the queue as if the n keys had already been written.
   *
   * @param outputs the model's outputs for the whole batch
   * @return the weighted total and every term
   */
  public LossTerms compute(FimaOutputs outputs) {
    Map<String, NDArray> values = new LinkedHashMap<>();
    NDArray total = null;
    NDArray instanceAccuracy = null;
    if (instanceActive()) {
      StepPhases.enter(StepPhases.INSTANCE_LOSS);
      FeatureQueue queue = queues.instance();
      NDArray negatives = queue.features();
      NDArray second =
          config.referenceEnqueueOrder()
              ? QueueWrites.afterEnqueue(negatives, queue.pointer(), outputs.n().key())
              : negatives;
      InstanceContrastLoss.Result r = instance.compute(outputs.m(), outputs.n(), negatives, second);
      values.put(INSTANCE, r.loss());
      instanceAccuracy = r.accuracy();
      total = Scalars.multiply(r.loss(), config.instanceWeight());
      StepPhases.exit(StepPhases.INSTANCE_LOSS);
    }
    NDArray localAccuracy = null;
    NDArray denseKept = null;
    if (outputs.hasMotion() && localActive()) {
      StepPhases.enter(StepPhases.LOCAL_LOSS);
      NDArray queue = queues.motion().map(FeatureQueue::features).orElse(null);
      LocalMotionContrastLoss.Result r = local.compute(outputs.n(), outputs.m(), queue);
      values.put(LOCAL, r.loss());
      values.put(LOCAL_CHANCE, Scalars.scalarLike(r.accuracy(), r.chance()));
      localAccuracy = r.accuracy();
      total = add(total, Scalars.multiply(r.loss(), config.localWeight()));
      StepPhases.exit(StepPhases.LOCAL_LOSS);
    }
    if (outputs.hasMotion() && denseActive()) {
      StepPhases.enter(StepPhases.DENSE_LOSS);
      NDArray queue = queues.dense().map(FeatureQueue::features).orElse(null);
      int slices = outputs.n().requireMotion().slices();
      NDArray sum = null;
      NDArray kept = null;
      NDArray chance = null;
      for (int t = 0; t < slices; t++) {
        // Each view's motion predicted on the other view's grid: n's on m's, then m's on n's.
        NDArray pairLoss = null;
        NDArray pairKept = null;
        NDArray pairChance = null;
        for (ViewOutputs target : outputs.nThenM()) {
          DenseMotionContrastLoss.Result r = dense.compute(target, outputs.other(target), t, queue);
          pairLoss = add(pairLoss, r.loss());
          pairKept = add(pairKept, r.keptSamples());
          pairChance = add(pairChance, r.chance());
        }
        sum = add(sum, pairLoss);
        kept = add(kept, pairKept);
        chance = add(chance, pairChance);
      }
      NDArray value = Scalars.divide(sum, 2 * slices);
      values.put(DENSE, value);
      values.put(DENSE_CHANCE, Scalars.divide(chance, 2 * slices));
      denseKept = kept.div(2f * slices * outputs.size());
      total = add(total, Scalars.multiply(value, config.denseWeight()));
      StepPhases.exit(StepPhases.DENSE_LOSS);
    }
    if (total == null) {
      throw new IllegalStateException("every loss term is switched off (all weights are 0)");
    }
    StepPhases.enter(StepPhases.LOSS_STATISTICS);
    if (instanceAccuracy != null) {
      values.put(INSTANCE_ACCURACY, instanceAccuracy);
    }
    if (localAccuracy != null) {
      values.put(LOCAL_ACCURACY, localAccuracy);
    }
    if (denseKept != null) {
      values.put(DENSE_KEPT, denseKept);
    }
    if (outputs.hasMotion() && localActive() && outputs.size() >= 2) {
      List<NDArray> predictions = new ArrayList<>();
      List<NDArray> targets = new ArrayList<>();
      for (ViewOutputs v : outputs.nThenM()) {
        predictions.addAll(v.requireMotion().clsPredictions());
        targets.addAll(v.requireMotion().localKeys());
      }
      values.put(PREDICTION_COSINE, CollapseStatistics.meanPairwiseCosine(predictions));
      values.put(TARGET_COSINE, CollapseStatistics.meanPairwiseCosine(targets));
    }
    if (outputs.hasMotion() && denseActive()) {
      values.put(
          FOREGROUND_SHARE,
          CollapseStatistics.markedShare(
              List.of(
                  outputs.m().requireMotion().foreground(),
                  outputs.n().requireMotion().foreground())));
    }
    StepPhases.exit(StepPhases.LOSS_STATISTICS);
    Map<String, NDArray> ordered = new LinkedHashMap<>();
    ordered.put(TOTAL, total);
    ordered.putAll(values);
    return new LossTerms(total, ordered);
  }

  /**
   * Writes the keys of a step into the queues, in the reference's order: instance {@code [k_n;
   * k_m]}, motion {@code [l_n^0 ..; l_m^0 ..]}, dense the key cells of {@code z_n^0 .., z_m^0 ..}.
   * Call it once per step, after backward. The model gathers the keys of every device on the
   * primary one, so each queue receives all keys at once, as the reference's all-gather does.
   *
   * @param outputs the model's outputs for the whole batch
   */
  public void enqueue(FimaOutputs outputs) {
    enqueue(outputs, NDList::new);
  }

  /**
   * Writes the keys of a step into the queues, as {@link #enqueue(FimaOutputs)}, with every group
   * of keys first gathered across the ranks of a data-parallel run: each group ({@code k_n}, then
   * {@code k_m}, each local and dense key) becomes every rank's keys of that group in rank order,
   * so that every rank writes the same keys, in the order one process holding the ranks' batches
   * one after the other would write them.
   *
   * @param outputs the model's outputs for this rank's batch
   * @param gather concatenates each array over the ranks (the identity for one rank)
   */
  public void enqueue(FimaOutputs outputs, Function<List<NDArray>, NDList> gather) {
    StepPhases.run(StepPhases.ENQUEUE, () -> write(outputs, gather));
  }

  private void write(FimaOutputs outputs, Function<List<NDArray>, NDList> gather) {
    Map<FeatureQueue, List<NDArray>> groups = new LinkedHashMap<>();
    if (instanceActive()) {
      FeatureQueue q = queues.instance();
      List<NDArray> keys = groups.computeIfAbsent(q, k -> new ArrayList<>());
      for (ViewOutputs v : outputs.nThenM()) {
        keys.add(detached(v.key(), q));
      }
    }
    if (outputs.hasMotion() && localActive() && queues.motion().isPresent()) {
      FeatureQueue q = queues.motion().get();
      List<NDArray> keys = groups.computeIfAbsent(q, k -> new ArrayList<>());
      for (ViewOutputs v : outputs.nThenM()) {
        for (NDArray key : v.requireMotion().localKeys()) {
          keys.add(detached(key, q));
        }
      }
    }
    if (outputs.hasMotion() && denseActive() && queues.dense().isPresent()) {
      FeatureQueue q = queues.dense().get();
      List<NDArray> keys = groups.computeIfAbsent(q, k -> new ArrayList<>());
      for (ViewOutputs v : outputs.nThenM()) {
        for (NDArray target : v.requireMotion().denseTargets()) {
          keys.add(detached(cells(target), q));
        }
      }
    }
    List<NDArray> all = new ArrayList<>();
    groups.values().forEach(all::addAll);
    NDList gathered = gather.apply(all);
    int at = 0;
    for (Map.Entry<FeatureQueue, List<NDArray>> e : groups.entrySet()) {
      int n = e.getValue().size();
      e.getKey().enqueue(NDArrays.concat(new NDList(gathered.subList(at, at + n)), 0));
      at += n;
    }
  }

  /**
   * Returns the run's queues.
   *
   * @return the queues this loss reads
   */
  public ContrastQueues queues() {
    return queues;
  }

  /**
   * Computes the weighted total as a DJL {@link Loss}. The predictions are {@link #pack}ed outputs;
   * the labels are unused.
   *
   * @param labels ignored, may be empty
   * @param predictions the packed outputs
   * @return the weighted total
   */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    return compute(unpack(predictions)).total();
  }

  /**
   * Lays outputs out as one list for {@link #evaluate}: for view m, then view n, {@code query, key,
   * crop} and, for outputs with motion, {@code foreground} and for each slice t {@code localKey,
   * denseTarget, clsPrediction, densePrediction}.
   *
   * @param outputs the outputs
   * @return the list
   */
  public static NDList pack(FimaOutputs outputs) {
    NDList list = new NDList();
    for (ViewOutputs v : List.of(outputs.m(), outputs.n())) {
      list.add(v.query());
      list.add(v.key());
      list.add(v.crop());
      if (v.motion().isPresent()) {
        MotionOutputs motion = v.motion().get();
        list.add(motion.foreground());
        for (int t = 0; t < motion.slices(); t++) {
          list.add(motion.localKeys().get(t));
          list.add(motion.denseTargets().get(t));
          list.add(motion.clsPredictions().get(t));
          list.add(motion.densePredictions().get(t));
        }
      }
    }
    return list;
  }

  /**
   * Inverts {@link #pack}.
   *
   * @param list the packed outputs
   * @return the outputs
   */
  public static FimaOutputs unpack(NDList list) {
    int perView = list.size() / 2;
    boolean motion = perView > VIEW_ARRAYS;
    int slices = (perView - VIEW_ARRAYS - 1) / ARRAYS_PER_SLICE;
    if (list.size() % 2 != 0
        || perView < VIEW_ARRAYS
        || (motion && (slices < 1 || perView != VIEW_ARRAYS + 1 + slices * ARRAYS_PER_SLICE))) {
      throw new IllegalArgumentException("not a packed FimaOutputs: " + list.size() + " arrays");
    }
    return new FimaOutputs(
        unpackView(list.subList(0, perView), slices, motion),
        unpackView(list.subList(perView, 2 * perView), slices, motion));
  }

  private static ViewOutputs unpackView(List<NDArray> a, int slices, boolean motion) {
    if (!motion) {
      return new ViewOutputs(a.get(0), a.get(1), a.get(2));
    }
    List<List<NDArray>> fields = new ArrayList<>();
    for (int f = 0; f < ARRAYS_PER_SLICE; f++) {
      List<NDArray> field = new ArrayList<>();
      for (int t = 0; t < slices; t++) {
        field.add(a.get(VIEW_ARRAYS + 1 + t * ARRAYS_PER_SLICE + f));
      }
      fields.add(field);
    }
    return new ViewOutputs(
        a.get(0),
        a.get(1),
        a.get(2),
        new MotionOutputs(fields.get(0), fields.get(1), a.get(3), fields.get(2), fields.get(3)));
  }

  private boolean instanceActive() {
    return config.instanceWeight() > 0;
  }

  private boolean localActive() {
    return config.localWeight() > 0;
  }

  private boolean denseActive() {
    return config.denseWeight() > 0;
  }

  private static NDArray add(NDArray sum, NDArray term) {
    return sum == null ? term : sum.add(term);
  }

  /** Rows of a key map {@code [B, D, h, w]} as {@code [B h w, D]}, sample-major. */
  private static NDArray cells(NDArray map) {
    long b = map.getShape().get(0);
    long d = map.getShape().get(1);
    return map.reshape(b, d, -1).transpose(0, 2, 1).reshape(-1, d);
  }

  private static NDArray detached(NDArray keys, FeatureQueue queue) {
    return ContrastMath.onDevice(keys.stopGradient(), queue.features());
  }
}
