package dev.fima.api.data;

/** A part of a dataset's official split. */
public enum Split {
  /** The training list. */
  TRAIN,
  /** The test list. */
  TEST
}
