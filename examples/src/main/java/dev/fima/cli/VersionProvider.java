package dev.fima.cli;

import picocli.CommandLine;

/** Reports the toolkit version from the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = FimaCli.class.getPackage().getImplementationVersion();
    return new String[] {"fima " + (v == null ? "(development build)" : v)};
  }
}
