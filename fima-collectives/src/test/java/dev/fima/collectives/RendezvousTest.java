package dev.fima.collectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fima.api.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {

  private static final Map<String, String> LAUNCHED =
      Map.of("WORLD_SIZE", "4", "RANK", "3", "MASTER_ADDR", "10.0.0.7", "MASTER_PORT", "29500");

  @Test
  void theLaunchersVariablesGiveRankWorldAndTcpStore() {
    assertEquals(Rendezvous.tcp(3, 4, "10.0.0.7", 29500), Rendezvous.fromEnvironment(LAUNCHED));
  }

  @Test
  void aMissingOrMalformedVariableIsNamed() {
    ConfigException missing =
        assertThrows(ConfigException.class, () -> Rendezvous.fromEnvironment(Map.of()));
    assertEquals("WORLD_SIZE", missing.field());
    assertEquals(
        "WORLD_SIZE: is not set: start the ranks with fima launch, which sets WORLD_SIZE, RANK,"
            + " MASTER_ADDR, MASTER_PORT",
        missing.getMessage());
    assertEquals("RANK: must be an integer in [0, 3], got '4'", failure("RANK", "4").getMessage());
    assertEquals(
        "MASTER_PORT: must be an integer in [1, 65535], got 'http'",
        failure("MASTER_PORT", "http").getMessage());
    assertEquals("MASTER_ADDR", failure("MASTER_ADDR", " ").field());
  }

  private static ConfigException failure(String name, String value) {
    Map<String, String> env = new java.util.HashMap<>(LAUNCHED);
    env.put(name, value);
    return assertThrows(ConfigException.class, () -> Rendezvous.fromEnvironment(env));
  }
}
