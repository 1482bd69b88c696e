package dev.fima.api.jobs;

import java.nio.file.Path;
import java.util.Map;

/**
 * The outcome of an evaluation, always with its protocol so that no number travels without it.
 *
 * @param task {@code linear-probe}, {@code finetune}, {@code test} or {@code retrieve}
 * @param protocol dataset, split, backbone, frames, stride, crop, clips x crops, epochs, batch, lr,
 *     seed and whatever else produced the numbers
 * @param metrics named results, e.g. {@code top1}, {@code top5}, {@code recall@1}
 * @param outputDir folder holding the JSON and Markdown report and any plots
 */
public record EvalReport(
    String task, Map<String, Object> protocol, Map<String, Double> metrics, Path outputDir) {}
