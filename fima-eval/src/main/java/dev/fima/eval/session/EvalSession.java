package dev.fima.eval.session;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fima.api.DataException;
import dev.fima.api.FimaRuntime;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.Devices;
import dev.fima.api.config.RunConfig;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoCatalog;
import dev.fima.api.data.VideoEntry;
import dev.fima.djl.nd.EngineThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every evaluation job sets up first: the engine (offline), the seed, the device (the first
 * one of the run's device request; evaluation runs on one device), a root manager on it, the
 * dataset catalog with both parts non-empty, and the output folder.
 */
public final class EvalSession implements AutoCloseable {

  /** The system property DJL's PyTorch engine reads its intra-op thread count from. */
  private final Device device;

  private final NDManager manager;
  private final VideoCatalog catalog;
  private final Path output;

  private EvalSession(Device device, NDManager manager, VideoCatalog catalog, Path output) {
    this.device = device;
    this.manager = manager;
    this.catalog = catalog;
    this.output = output;
  }

  /**
   * Opens a session.
   *
   * @param data the dataset
   * @param run seed, devices and output folder
   * @param source reads the catalog
   * @return the open session; close it to release every array made in it
   * @throws DataException when a part of the split has no videos or the output cannot be created
   */
  public static EvalSession open(DataConfig data, RunConfig run, SupervisedDataSource source) {
    Engine engine = FimaRuntime.engine();
    EngineThreads.apply(run.threads());
    Device device = Devices.resolve(run.device())[0];
    VideoCatalog catalog = source.catalog(data);
    Path root = data.root() == null ? Path.of(".") : Path.of(data.root());
    for (Split part : Split.values()) {
      if (catalog.videos(part).isEmpty()) {
        throw new DataException(
            root, catalog.name() + " lists no " + part.name().toLowerCase() + " videos");
      }
    }
    Path output = Path.of(run.output());
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      throw new DataException(output, "cannot create the output folder: " + e.getMessage(), e);
    }
    engine.setRandomSeed((int) run.seed());
    return new EvalSession(device, engine.newBaseManager(device), catalog, output);
  }

  /**
   * Returns the device the session computes on.
   *
   * @return the device
   */
  public Device device() {
    return device;
  }

  /**
   * Returns the root manager on {@link #device()}.
   *
   * @return the manager
   */
  public NDManager manager() {
    return manager;
  }

  /**
   * Returns the dataset catalog.
   *
   * @return the catalog
   */
  public VideoCatalog catalog() {
    return catalog;
  }

  /**
   * Returns the videos of one part of the split.
   *
   * @param part train or test
   * @return the videos
   */
  public List<VideoEntry> videos(Split part) {
    return catalog.videos(part);
  }

  /**
   * Returns the number of classes.
   *
   * @return classes
   */
  public int classes() {
    return catalog.classNames().size();
  }

  /**
   * Returns the output folder (created).
   *
   * @return the folder
   */
  public Path output() {
    return output;
  }

  @Override
  public void close() {
    manager.close();
  }
}
