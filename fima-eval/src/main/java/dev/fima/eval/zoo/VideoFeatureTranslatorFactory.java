package dev.fima.eval.zoo;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.ArgumentsUtil;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import dev.fima.api.FimaException;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.Check;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.ConfigBuilder;
import dev.fima.api.config.DataConfig;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.djl.backbone.BackboneArchive;
import dev.fima.djl.backbone.BackboneInput;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.eval.backbone.RegistryBackboneProvider;
import dev.fima.eval.features.FrozenFeatures;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Makes the translators that extract features from a FIMA-J backbone with DJL's {@code Predictor}:
 * a video file ({@link Path}) or decoded clips ({@link NDArray}) in, the feature vector ({@code
 * float[]}, the pooled feature averaged over the views) or the feature maps ({@link FeatureMap})
 * out.
 *
 * <pre>{@code
 * var factory = new VideoFeatureTranslatorFactory();
 * var criteria = Criteria.builder().setTypes(Path.class, float[].class).optModelPath(backbone);
 * try (var model = criteria.optTranslatorFactory(factory).build().loadModel();
 *     var predictor = model.newPredictor()) {
 *   float[] features = predictor.predict(video);
 * }
 * }</pre>
 *
 * <p>Clips are cut and normalised as the evaluation jobs cut them (the same loader and normaliser):
 * the backbone's descriptor gives the clip length T, the crop S and the normalisation (a backbone
 * without a descriptor, such as a random one from the zoo, gives the clip size it was initialised
 * for, with the Kinetics statistics); the model runs in inference mode (batch-norm on its running
 * statistics). So a video's features equal what the linear probe and retrieval compute for it.
 * Criteria arguments ({@code optArgument}) change the sampling:
 *
 * <ul>
 *   <li>{@value #CLIPS}: uniform windows per video (1);
 *   <li>{@value #CROPS}: crops per window, 1 (centre) or 3 (along the long side) (1);
 *   <li>{@value #STRIDE}: temporal stride of a clip in raw frames (2, the reference's; the
 *       descriptor does not record the pretraining stride);
 *   <li>{@value #SHORT_SIDE}: resize frames to this short side before cropping, 0 for none (0).
 * </ul>
 *
 * <p>Decoded clips are float32 RGB in [0, 1], {@code [3, T, S, S]} or {@code [K, 3, T, S, S]}; they
 * are copied, so the caller's arrays stay the caller's. Decoding video files needs a {@link
 * SupervisedDataSource} implementation on the class path ({@code fima-datasets} registers one with
 * {@link ServiceLoader}), or one given to the constructor.
 */
public final class VideoFeatureTranslatorFactory implements TranslatorFactory {

  /** Argument: uniform windows per video. */
  public static final String CLIPS = "clips";

  /** Argument: crops per window, 1 or 3. */
  public static final String CROPS = "crops";

  /** Argument: temporal stride of a clip in raw frames. */
  public static final String STRIDE = "stride";

  /** Argument: short side frames are resized to before cropping, 0 for none. */
  public static final String SHORT_SIDE = "shortSide";

  private static final Set<Pair<Type, Type>> SUPPORTED =
      Set.of(
          new Pair<>(Path.class, float[].class),
          new Pair<>(Path.class, FeatureMap.class),
          new Pair<>(NDArray.class, float[].class),
          new Pair<>(NDArray.class, FeatureMap.class));

  private final SupervisedDataSource source;

  /**
   * Creates the factory; videos are decoded by the data source found with {@link ServiceLoader}.
   */
  public VideoFeatureTranslatorFactory() {
    this(null);
  }

  /**
   * Creates the factory with a given data source.
   *
   * @param source decodes, samples and normalises clips; {@code null} to find one with {@link
   *     ServiceLoader}
   */
  public VideoFeatureTranslatorFactory(SupervisedDataSource source) {
    this.source = source;
  }

  @Override
  public Set<Pair<Type, Type>> getSupportedTypes() {
    return SUPPORTED;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <I, O> Translator<I, O> newInstance(
      Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
      throws TranslateException {
    if (!isSupported(input, output)) {
      throw new TranslateException(
          "no FIMA-J translator from "
              + input.getSimpleName()
              + " to "
              + output.getSimpleName()
              + "; supported: Path or NDArray in, float[] or FeatureMap out");
    }
    if (!(model.getBlock() instanceof VideoBackbone backbone) || !backbone.isInitialized()) {
      throw new TranslateException(
          "model " + model.getName() + " holds no initialised FIMA-J VideoBackbone");
    }
    BackboneInput expected = inputOf(model, backbone);
    int clips = ArgumentsUtil.intValue(arguments, CLIPS, 1);
    int crops = ArgumentsUtil.intValue(arguments, CROPS, 1);
    Check.atLeast(CLIPS, clips, 1);
    Check.that(crops == 1 || crops == 3, CROPS, "must be 1 or 3, got " + crops);
    ClipConfig clip =
        ConfigBuilder.of(ClipConfig.defaults())
            .set(ClipConfig::frames, expected.frames())
            .set(ClipConfig::crop, expected.crop())
            .set(
                ClipConfig::stride,
                ArgumentsUtil.intValue(arguments, STRIDE, ClipConfig.defaults().stride()))
            .set(ClipConfig::localClips, 1)
            .build();
    DataConfig data =
        ConfigBuilder.of(DataConfig.defaults())
            .set(DataConfig::workers, 0)
            .set(
                DataConfig::shortSide,
                ArgumentsUtil.intValue(arguments, SHORT_SIDE, DataConfig.defaults().shortSide()))
            .set(DataConfig::cacheIndex, false)
            .build();
    SupervisedDataSource decoder = source != null ? source : discover();
    ClipViews views =
        new ClipViews(
            decoder, decoder.augmenter(AugmentConfig.defaults()), data, clip, clips, crops);

    BiFunction<NDManager, I, NDArray> in =
        input == Path.class
            ? (m, video) -> views.ofVideo(m, (Path) video)
            : (m, decoded) -> views.ofClips(m, (NDArray) decoded);
    Function<NDList, O> out =
        output == float[].class
            ? list -> (O) FrozenFeatures.pooled(list).mean(new int[] {0}).toFloatArray()
            : list -> (O) new FeatureMap(list.get(0).getShape(), list.get(0).toFloatArray());
    return new VideoFeatureTranslator<>(in, out);
  }

  /** What the backbone expects: its descriptor's input, or the size it was initialised for. */
  private static BackboneInput inputOf(Model model, VideoBackbone backbone) {
    Path folder = model.getModelPath();
    if (folder != null && Files.isRegularFile(folder.resolve(BackboneArchive.DESCRIPTOR_FILE))) {
      BackboneInput input = BackboneArchive.readDescriptor(folder).input();
      RegistryBackboneProvider.requirePipelineNormalisation(folder, input);
      return input;
    }
    return Backbones.kineticsInput(backbone);
  }

  private static SupervisedDataSource discover() {
    return ServiceLoader.load(SupervisedDataSource.class)
        .findFirst()
        .orElseThrow(
            () ->
                new FimaException(
                    "no video decoder on the class path: add dev.fima:fima-datasets (it registers"
                        + " a "
                        + SupervisedDataSource.class.getName()
                        + "), or pass a data source to VideoFeatureTranslatorFactory"));
  }
}
