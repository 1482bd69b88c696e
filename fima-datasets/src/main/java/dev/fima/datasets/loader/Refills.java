package dev.fima.datasets.loader;

/**
 * The order in which a training batch looks for replacements of samples whose video failed to
 * decode mid-epoch: first the positions of the epoch order that the dropped incomplete last batch
 * would never use, then the positions after the batch, wrapping around to the start of the order,
 * never the batch's own positions. The rule depends only on the batch and the epoch size, so a run
 * resumed at any batch refills exactly as the uninterrupted run did (decode failures are properties
 * of the files). A replacement video may therefore appear twice in an epoch, with independent
 * crops.
 */
final class Refills {

  private final int batch;
  private final int batchSize;
  private final int total;
  private final int full;
  private int step;

  /**
   * Starts the candidate sequence of one batch.
   *
   * @param batch the batch index
   * @param batchSize samples per batch
   * @param total positions in the epoch order
   */
  Refills(int batch, int batchSize, int total) {
    this.batch = batch;
    this.batchSize = batchSize;
    this.total = total;
    this.full = total / batchSize * batchSize;
    this.step = 0;
  }

  /**
   * Returns the next candidate position.
   *
   * @return a position of the epoch order, or -1 when every other position was offered
   */
  int next() {
    int tail = total - full;
    int others = total - batchSize;
    while (step < others) {
      int k = step++;
      if (k < tail) {
        return full + k;
      }
      int p = ((batch + 1) * batchSize + (k - tail)) % full;
      // Skip this batch's own positions and the tail, which was offered first.
      if (p >= batch * batchSize && p < (batch + 1) * batchSize) {
        continue;
      }
      return p;
    }
    return -1;
  }
}
