package dev.fima.djl.backbone;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Lets DJL's {@code Criteria} load an exported backbone folder: the {@code serving.properties} that
 * {@link BackboneArchive#save} writes names this factory, which rebuilds the architecture recorded
 * in {@code backbone.json} on the model's device and loads {@code parameters.bin} into it with the
 * same strict checks as {@link Backbones#load} (a missing, unexpected or differently shaped
 * parameter is a {@link dev.fima.api.DataException} naming it, and nothing is loaded). The same
 * file tells DJL that the block arrives with its parameters ({@code option.hasParameter=false}), so
 * DJL looks for no {@code .params} file of its own.
 *
 * <pre>{@code
 * Criteria<NDList, NDList> criteria =
 *     Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(dir).build();
 * }</pre>
 */
public final class BackboneBlockFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  /** Creates the factory; DJL instantiates it by name from {@code serving.properties}. */
  public BackboneBlockFactory() {}

  /**
   * Rebuilds and loads the exported backbone of a folder.
   *
   * @param model the model the block is for; its manager owns the parameters and decides the device
   * @param modelPath the exported backbone folder
   * @param arguments the criteria's arguments (not used: the descriptor says everything)
   * @return the initialised {@link VideoBackbone} holding the exported parameters
   * @throws dev.fima.api.DataException naming the file or parameter when the folder is unusable
   */
  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
    return BackboneArchive.load(modelPath, model.getNDManager()).backbone();
  }
}
