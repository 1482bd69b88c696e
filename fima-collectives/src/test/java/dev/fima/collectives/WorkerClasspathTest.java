package dev.fima.collectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.FimaException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerClasspathTest {

  @Test
  void theWorkersClassPathIsThisModuleThenThePresetAsMavenResolvedIt() {
    List<String> entries = List.of(WorkerClasspath.resolve().split(File.pathSeparator));
    assertTrue(entries.get(0).endsWith("classes"), entries.get(0));
    List<String> names = entries.stream().map(e -> Path.of(e).getFileName().toString()).toList();
    assertEquals(
        List.of(
            "classes",
            "pytorch-2.10.0-1.5.13.jar",
            "pytorch-2.10.0-1.5.13-linux-x86_64.jar",
            "openblas-0.3.31-1.5.13.jar",
            "openblas-0.3.31-1.5.13-linux-x86_64.jar",
            "javacpp-1.5.13.jar",
            "javacpp-1.5.13-linux-x86_64.jar"),
        names);
    entries.forEach(e -> assertTrue(Files.exists(Path.of(e)), e));
  }

  @Test
  void eachJarComesFromTheFirstRepositoryThatHoldsIt(@TempDir Path dir) throws IOException {
    Path first = touch(dir.resolve("first"), "c/d.jar");
    Path second = touch(dir.resolve("second"), "a/b.jar");
    touch(second, "c/d.jar");
    Properties manifest = new Properties();
    manifest.setProperty("classpath", "MAVEN_REPOSITORY/a/b.jar,MAVEN_REPOSITORY/c/d.jar");
    assertEquals(
        List.of(second.resolve("a/b.jar"), first.resolve("c/d.jar")),
        WorkerClasspath.presetJars(manifest, List.of(first, second)));
  }

  @Test
  void aJarNoRepositoryHoldsIsNamedWithWhatToDo(@TempDir Path dir) {
    Properties manifest = new Properties();
    manifest.setProperty("classpath", "MAVEN_REPOSITORY/org/x/x.jar");
    FimaException e =
        assertThrows(FimaException.class, () -> WorkerClasspath.presetJars(manifest, List.of(dir)));
    assertTrue(
        e.getMessage().startsWith("the collective worker needs org/x/x.jar, which is in none of")
            && e.getMessage().contains(WorkerClasspath.ENV),
        e.getMessage());
  }

  @Test
  void repositoriesAreMavenRepoLocalThenTheBuildsThenTheUsersEachOnce() {
    Properties manifest = new Properties();
    manifest.setProperty("localRepository", "/built/repo");
    assertEquals(
        List.of(Path.of("/given"), Path.of("/built/repo"), Path.of("/home/u/.m2/repository")),
        WorkerClasspath.repositories(
            Map.of("maven.repo.local", "/given", "user.home", "/home/u"), manifest));
    manifest.setProperty("localRepository", "/home/u/.m2/repository");
    assertEquals(
        List.of(Path.of("/home/u/.m2/repository")),
        WorkerClasspath.repositories(Map.of("user.home", "/home/u"), manifest));
  }

  @Test
  void anOverrideNamesJarsOrAFolderOfJars(@TempDir Path dir) throws IOException {
    Path lib = touch(dir.resolve("lib"), "b.jar");
    touch(lib, "a.jar");
    touch(lib, "notes.txt");
    Path single = touch(dir, "single.jar").resolve("single.jar");
    assertEquals(
        List.of(lib.resolve("a.jar"), lib.resolve("b.jar"), single),
        WorkerClasspath.explicit(lib + File.pathSeparator + single));
    FimaException e =
        assertThrows(
            FimaException.class,
            () -> WorkerClasspath.explicit(dir.resolve("gone.jar").toString()));
    assertTrue(e.getMessage().startsWith(WorkerClasspath.ENV + ": "), e.getMessage());
  }

  @Test
  void theWorkersMainClassIsNamedRight() {
    assertEquals(CollectiveWorker.class.getName(), WorkerClasspath.MAIN_CLASS);
  }

  private static Path touch(Path repo, String file) throws IOException {
    Path p = repo.resolve(file);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {1});
    return repo;
  }
}
