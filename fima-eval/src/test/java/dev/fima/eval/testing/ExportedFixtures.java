package dev.fima.eval.testing;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.BackboneConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.VideoEntry;
import dev.fima.datasets.VideoSupervisedDataSource;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoWriter;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.eval.features.ClipFeatures;
import dev.fima.eval.features.FrozenFeatures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real video file and an exported backbone for the DJL-facing tests, and the features the
 * evaluation jobs' own path ({@link FrozenFeatures} over the video data source's evaluation loader)
 * gives for them: the reference those tests compare with.
 */
public final class ExportedFixtures {

  private ExportedFixtures() {}

  /** The exported backbone's clips: 8 frames of 32 px; stride 2, the translator's default. */
  public static final ClipConfig CLIP = new ClipConfig(8, 2, 32, 1);

  /**
   * An exported backbone and a video beside it.
   *
   * @param backbone the export folder, {@link #backbone}
   * @param video the video file, {@link #video}
   */
  public record Exported(Path backbone, Path video) {}

  /**
   * Exports a backbone to {@code <dir>/backbone} and writes {@code <dir>/video.avi}.
   *
   * @param dir the folder
   * @return both paths
   */
  public static Exported write(Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      return new Exported(backbone(dir.resolve("backbone"), m), video(dir.resolve("video.avi")));
    }
  }

  /**
   * Writes 24 frames of 48x40 with a square moving over a gradient (MPEG-4 AVI).
   *
   * @param file the file
   * @return the file
   */
  public static Path video(Path file) {
    int w = 48;
    int h = 40;
    try (VideoWriter writer = new VideoWriter(file, VideoWriter.Format.MPEG4_AVI, w, h, 25, 2)) {
      for (int f = 0; f < 24; f++) {
        byte[] bgr = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            boolean square = x >= 4 + f && x < 16 + f && y >= 6 + f / 2 && y < 18 + f / 2;
            int i = (y * w + x) * 3;
            bgr[i] = (byte) (square ? 30 : 4 * x);
            bgr[i + 1] = (byte) (square ? 220 : 5 * y);
            bgr[i + 2] = (byte) (square ? 250 : 90);
          }
        }
        writer.write(bgr);
      }
      writer.finish();
    } catch (BadVideoException e) {
      throw new IllegalStateException(e);
    }
    return file;
  }

  /**
   * Exports an r3d-tiny of width 0.5 (32 channels) initialised for {@link #CLIP}, its batch-norm
   * running statistics moved off their initial values so that loading them matters.
   *
   * @param folder the export folder
   * @param manager a scratch manager
   * @return the folder
   */
  public static Path backbone(Path folder, NDManager manager) {
    VideoBackbone net = Backbones.create(new BackboneConfig("r3d-tiny", 0.5, List.of()));
    Backbones.initialize(net, manager, CLIP.frames(), CLIP.crop());
    net.forward(
        new ParameterStore(manager, false),
        new NDList(manager.randomUniform(0, 1, new Shape(2, 3, CLIP.frames(), 32, 32))),
        true);
    Backbones.save(net, folder, Map.of());
    return folder;
  }

  /**
   * Returns what the evaluation jobs extract for one video: every view's pooled feature.
   *
   * @param backbone the backbone, initialised on {@code manager}
   * @param video the video
   * @param clips uniform windows
   * @param crops crops per window
   * @param manager the backbone's manager
   * @return the features of the video's views
   */
  public static ClipFeatures evaluationFeatures(
      VideoBackbone backbone, Path video, int clips, int crops, NDManager manager) {
    VideoSupervisedDataSource source = new VideoSupervisedDataSource();
    try (LabeledBatchLoader loader =
        source.evalLoader(
            Fixtures.data(video.getParent()),
            CLIP,
            clips,
            crops,
            List.of(new VideoEntry(video, 0, "video")),
            1,
            null)) {
      return FrozenFeatures.extract(
          backbone, loader, source.augmenter(AugmentConfig.defaults()), manager);
    }
  }
}
