package dev.fima.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.fima.api.FimaRuntime;
import dev.fima.api.config.Devices;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fima info}: what the engine is and what it can run on. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Print the engine, libtorch version, devices and threads.")
final class InfoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Engine engine = FimaRuntime.engine();
    Device[] devices = engine.getDevices();
    out.println("FIMA-J    " + new VersionProvider().getVersion()[0]);
    out.println("DJL       " + Engine.getDjlVersion());
    out.println("engine    " + engine.getEngineName() + " " + engine.getVersion());
    out.println(
        "devices   " + Devices.describe(devices) + " (default " + engine.defaultDevice() + ")");
    out.println("GPUs      " + engine.getGpuCount());
    out.println(
        "threads   intra-op "
            + JniUtils.getNumThreads()
            + ", inter-op "
            + JniUtils.getNumInteropThreads()
            + ", cores "
            + java.lang.Runtime.getRuntime().availableProcessors());
    out.println("offline   " + System.getProperty(FimaRuntime.OFFLINE_PROPERTY));
    out.println("java      " + System.getProperty("java.version"));
    out.flush();
    return 0;
  }
}
