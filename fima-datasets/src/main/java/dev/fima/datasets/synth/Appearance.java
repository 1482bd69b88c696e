package dev.fima.datasets.synth;

import java.util.SplittableRandom;

/**
 * The random look of one object: a shape, a texture and two colours. Drawn from a stream that does
 * not depend on the class, so that appearance carries no information about the label.
 *
 * @param shape 0 square, 1 disc, 2 triangle, 3 diamond, 4 cross
 * @param texture 0 solid, 1 stripes, 2 checker, 3 split in two halves
 * @param primary main colour, RGB in [0, 1]
 * @param secondary texture colour, RGB in [0, 1]
 * @param period texture period as a fraction of the side
 * @param aspect height over width of the shape
 */
public record Appearance(
    int shape, int texture, double[] primary, double[] secondary, double period, double aspect) {

  /**
   * Draws an appearance that stands out from a background colour.
   *
   * @param random the object's appearance stream
   * @param background the background's mean colour
   * @return the appearance
   */
  public static Appearance draw(SplittableRandom random, double[] background) {
    int shape = random.nextInt(5);
    int texture = random.nextInt(4);
    double[] primary = Scene.randomColour(random);
    for (int tries = 0; tries < 20 && Scene.distance(primary, background) < 0.45; tries++) {
      primary = Scene.randomColour(random);
    }
    double[] secondary = Scene.randomColour(random);
    double period = 0.2 + 0.3 * random.nextDouble();
    double aspect = 0.7 + 0.6 * random.nextDouble();
    return new Appearance(shape, texture, primary, secondary, period, aspect);
  }

  /**
   * Tells whether a point in the object's own frame lies inside the shape.
   *
   * @param u horizontal offset from the centre, in sides (-0.5 to 0.5 spans the shape)
   * @param v vertical offset from the centre, in sides
   * @return whether it is inside
   */
  boolean inside(double u, double v) {
    v = v / aspect;
    double au = Math.abs(u);
    double av = Math.abs(v);
    return switch (shape) {
      case 0 -> au <= 0.5 && av <= 0.5;
      case 1 -> u * u + v * v <= 0.25;
      case 2 -> v >= -0.5 && v <= 0.5 && au <= (v + 0.5) / 2;
      case 3 -> au + av <= 0.5;
      default -> (au <= 0.5 && av <= 0.17) || (av <= 0.5 && au <= 0.17);
    };
  }

  /**
   * Returns the colour at a point inside the shape.
   *
   * @param u horizontal offset from the centre, in sides
   * @param v vertical offset from the centre, in sides
   * @return RGB in [0, 1]
   */
  double[] colour(double u, double v) {
    boolean second =
        switch (texture) {
          case 1 -> Math.floorMod((int) Math.floor(u / period), 2) == 1;
          case 2 ->
              Math.floorMod((int) Math.floor(u / period) + (int) Math.floor(v / period), 2) == 1;
          case 3 -> u > 0;
          default -> false;
        };
    return second ? secondary : primary;
  }
}
