package dev.fima.eval.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fima.api.DataException;
import dev.fima.api.FimaException;
import dev.fima.api.config.ClipConfig;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.djl.testing.TinyBackbone;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.OpenedBackbone;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Test stand-in for the registry-backed provider: {@code random:tiny} (width = channels / 8) and
 * folders holding {@code tiny.properties} and {@code tiny.params}.
 */
public final class TinyBackboneProvider implements BackboneProvider {

  /** How many backbones were opened, so tests can see whether work was redone. */
  public int opened;

  @Override
  public OpenedBackbone open(BackboneSpec spec, ClipConfig clip, NDManager manager, long seed) {
    opened++;
    Shape input = new Shape(1, 3, clip.frames(), clip.crop(), clip.crop());
    Map<String, Object> descriptor = new LinkedHashMap<>();
    if (spec.isRandom()) {
      if (!spec.random().name().equals("tiny")) {
        throw new FimaException("unknown backbone " + spec.random().name());
      }
      int channels = (int) Math.round(spec.random().width() * 8);
      Engine.getInstance().setRandomSeed((int) seed);
      TinyBackbone b = TinyBackbone.withBatchNorm(channels);
      b.initialize(manager, DataType.FLOAT32, input);
      descriptor.put("architecture", "tiny");
      descriptor.put("init", "random, seed " + seed);
      return new OpenedBackbone(b, spec, descriptor);
    }
    Path folder = spec.folder();
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(folder.resolve("tiny.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new DataException(folder, "not a tiny backbone folder", e);
    }
    TinyBackbone b = TinyBackbone.withBatchNorm(Integer.parseInt(p.getProperty("channels")));
    b.initialize(manager, DataType.FLOAT32, input);
    try (DataInputStream in =
        new DataInputStream(Files.newInputStream(folder.resolve("tiny.params")))) {
      b.loadParameters(manager, in);
    } catch (IOException | ai.djl.MalformedModelException e) {
      throw new DataException(folder, "cannot load parameters", e);
    }
    p.forEach((k, v) -> descriptor.put(k.toString(), v.toString()));
    return new OpenedBackbone(b, spec, descriptor);
  }

  @Override
  public void save(VideoBackbone backbone, Path folder, Map<String, Object> notes) {
    try {
      Files.createDirectories(folder);
      Properties p = new Properties();
      p.setProperty("architecture", "tiny");
      p.setProperty("channels", Integer.toString(backbone.featureChannels()));
      notes.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
      try (var out = Files.newBufferedWriter(folder.resolve("tiny.properties"))) {
        p.store(out, null);
      }
      try (DataOutputStream out =
          new DataOutputStream(Files.newOutputStream(folder.resolve("tiny.params")))) {
        backbone.saveParameters(out);
      }
    } catch (IOException e) {
      throw new DataException(folder, "cannot save", e);
    }
  }

  /**
   * Sums every parameter, a cheap fingerprint for tests.
   *
   * @param backbone the backbone
   * @return the sum of all parameter values
   */
  public static double parameterSum(VideoBackbone backbone) {
    double s = 0;
    for (Pair<String, Parameter> p : backbone.getParameters()) {
      s += p.getValue().getArray().sum().getFloat();
    }
    return s;
  }
}
