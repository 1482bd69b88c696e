package dev.fima.eval.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 of every parameter of a block (name, shape, data type and values, in the block's
 * order). It identifies the exact weights that produced cached features, whatever the spec string
 * or folder they came from.
 */
public final class ParameterDigest {

  private ParameterDigest() {}

  /**
   * Digests a block's parameters.
   *
   * @param block an initialised block
   * @return the lower-case hex SHA-256
   */
  public static String of(Block block) {
    MessageDigest sha = sha256();
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray array = p.getValue().getArray();
      sha.update(p.getKey().getBytes(StandardCharsets.UTF_8));
      sha.update(array.getShape().toString().getBytes(StandardCharsets.UTF_8));
      sha.update(array.getDataType().toString().getBytes(StandardCharsets.UTF_8));
      sha.update(array.toByteArray());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * Digests a UTF-8 string.
   *
   * @param text the text
   * @return the lower-case hex SHA-256
   */
  public static String of(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
