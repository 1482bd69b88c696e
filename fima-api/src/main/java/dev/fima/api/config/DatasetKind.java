package dev.fima.api.config;

/** The dataset layouts FIMA-J reads; each has a reader in {@code fima-datasets}. */
public enum DatasetKind {
  /** UCF101: {@code UCF-101/<Class>/*.avi} and {@code ucfTrainTestlist/} split files 1-3. */
  UCF101,
  /** HMDB51: {@code <class>/*.avi} and per-class split files with tags 0/1/2, splits 1-3. */
  HMDB51,
  /** Diving48 V2: {@code rgb/*.mp4} and JSON label files, 48 classes. */
  DIVING48,
  /** Kinetics-400: official CSV with a flat or class-folder layout of clips. */
  KINETICS400,
  /** Any {@code <class>/<video>} folder; train/test split carved deterministically. */
  FOLDER
}
