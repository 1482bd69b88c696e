package dev.fima.djl.backbone;

/**
 * A backbone rebuilt from an export, with the descriptor it came with.
 *
 * @param backbone the initialised backbone holding the exported parameters
 * @param descriptor its descriptor (input size, normalisation, extra fields)
 */
public record LoadedBackbone(VideoBackbone backbone, BackboneDescriptor descriptor) {}
