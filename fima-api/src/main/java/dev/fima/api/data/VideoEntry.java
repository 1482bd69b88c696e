package dev.fima.api.data;

import java.nio.file.Path;

/**
 * One labelled video of a dataset split.
 *
 * @param path the video file
 * @param label 0-based class index
 * @param className the class name the label stands for
 */
public record VideoEntry(Path path, int label, String className) {}
