package dev.fima.djl.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fima.api.FimaRuntime;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DeviceConfig;
import dev.fima.api.config.Devices;
import dev.fima.api.config.ExportConfig;
import dev.fima.api.jobs.BackboneExporter;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.model.PretrainModelFactory;
import dev.fima.djl.train.CheckpointStore;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code fima export}: rebuilds the model of a pretraining checkpoint from the configuration it
 * holds, loads its parameters (every name and shape checked), and writes the query backbone alone
 * with a descriptor that records the pretraining configuration, the checkpoint and its position.
 */
public final class CheckpointBackboneExporter implements BackboneExporter {

  private final PretrainModelFactory models;
  private final QueryBackboneWriter writer;

  /**
   * Creates the exporter that writes the exported-backbone format ({@code Backbones.save}).
   *
   * @param models builds the model a checkpoint was written from
   */
  @Inject
  public CheckpointBackboneExporter(PretrainModelFactory models) {
    this(models, Backbones::save);
  }

  /**
   * Creates the exporter with its own writer of the backbone.
   *
   * @param models builds the model a checkpoint was written from
   * @param writer writes the exported backbone
   */
  public CheckpointBackboneExporter(PretrainModelFactory models, QueryBackboneWriter writer) {
    this.models = models;
    this.writer = writer;
  }

  @Override
  public Path export(ExportConfig config) {
    Path checkpoint = CheckpointStore.resolve(Path.of(config.checkpoint()));
    PretrainCheckpoint.State state = PretrainCheckpoint.readState(checkpoint);
    Engine engine = FimaRuntime.engine();
    Path out = Path.of(config.output());
    try (NDManager manager =
        NDManager.newBaseManager(
            Devices.resolve(DeviceConfig.defaults())[0], engine.getEngineName())) {
      PretrainModel model = models.create(state.config(), manager, manager.getDevice());
      PretrainCheckpoint.loadModel(checkpoint, model, manager);
      Map<String, Object> extras = new LinkedHashMap<>();
      Map<String, Object> pretraining = new LinkedHashMap<>();
      pretraining.put("checkpoint", checkpoint.toAbsolutePath().toString());
      pretraining.put("epoch", state.position().epoch());
      pretraining.put("step", state.position().step());
      pretraining.put("method", state.config().model().method().name().toLowerCase());
      pretraining.put("config", Configs.json().valueToTree(state.config()));
      extras.put("pretraining", pretraining);
      writer.write(model.queryBackbone(), out, extras);
    }
    return out;
  }
}
