package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.fima.djl.parallel.DataParallel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Shuffle-BN across ranks (section 6 of the method notes, the reference's {@code
 * _batch_shuffle_ddp} and {@code _batch_unshuffle_ddp}): a key pass's inputs are gathered from
 * every rank, permuted by one permutation that every rank draws alike, each rank runs the key
 * encoder on its slice of the permuted batch, and the outputs are gathered again and put back in
 * order, each rank keeping its own samples' outputs. The key encoder's batch-norm statistics then
 * mix samples of every rank, so that they cannot tell a key from its own rank's queries.
 *
 * <p>The reference broadcasts rank 0's permutation; here every rank draws it from the same seed,
 * reset each step from the run seed and the position ({@link #reseed}), which gives the same
 * permutation with no collective and repeats it on resume. Where the key encoder has no batch norm
 * the shuffle changes nothing, and the model does not use it.
 */
public final class KeyShuffle {

  private final DataParallel ranks;
  private SplittableRandom random = new SplittableRandom(0);

  /**
   * Creates the shuffle of a run.
   *
   * @param ranks this rank and its group
   */
  public KeyShuffle(DataParallel ranks) {
    this.ranks = ranks;
  }

  /**
   * Starts a step's permutations from a seed, the same on every rank.
   *
   * @param seed the step's shuffle seed
   */
  public void reseed(long seed) {
    random = new SplittableRandom(seed);
  }

  /**
   * Runs a key pass on the batch shuffled across ranks.
   *
   * @param local this rank's inputs {@code [b, ...]}
   * @param pass the key pass, whose outputs have the batch on axis 0
   * @return the pass's outputs for this rank's samples, in their order
   */
  public NDList run(NDArray local, Function<NDArray, NDList> pass) {
    if (ranks.worldSize() == 1) {
      return pass.apply(local);
    }
    int b = (int) local.getShape().get(0);
    int total = b * ranks.worldSize();
    BatchShuffle.Permutation permutation = BatchShuffle.Permutation.random(total, random);
    NDArray all = ranks.allGatherRows(List.of(local)).get(0);
    long[] mine = slice(permutation.order(), ranks.rank() * b, b);
    NDList outputs = pass.apply(all.get(new NDIndex("{}", index(all, mine))));
    NDList gathered = ranks.allGatherRows(outputs);
    long[] back = slice(permutation.inverse(), ranks.rank() * b, b);
    List<NDArray> restored = new ArrayList<>(gathered.size());
    for (NDArray g : gathered) {
      restored.add(g.get(new NDIndex("{}", index(g, back))));
    }
    return new NDList(restored);
  }

  private static long[] slice(long[] values, int from, int count) {
    long[] part = new long[count];
    System.arraycopy(values, from, part, 0, count);
    return part;
  }

  private static NDArray index(NDArray like, long[] rows) {
    return like.getManager().create(rows).toDevice(like.getDevice(), false);
  }
}
