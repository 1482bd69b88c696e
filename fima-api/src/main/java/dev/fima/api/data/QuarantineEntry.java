package dev.fima.api.data;

import java.nio.file.Path;

/**
 * A video left out because it could not be used.
 *
 * @param video the file
 * @param reason why, e.g. "truncated: decoded 12 of 40 frames" or "too short for a 32-frame window"
 */
public record QuarantineEntry(Path video, String reason) {}
