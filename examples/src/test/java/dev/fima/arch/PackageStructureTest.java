package dev.fima.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows of the house (CONTRIBUTING.md, "Layout"), checked on the compiled main classes of
 * every module: no package cycles, and the model and evaluation libraries never reach into the data
 * module.
 */
class PackageStructureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void read() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fima");
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().matching("dev.fima.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theModelAndEvaluationLibrariesGetTheirDataThroughTheApi() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.fima.djl..", "dev.fima.eval..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.fima.datasets..")
        .check(classes);
  }

  @Test
  void noLibraryDependsOnTheBenchmarksOrTheCommandLine() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.fima.api..", "dev.fima.datasets..", "dev.fima.djl..", "dev.fima.eval..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.fima.bench..", "dev.fima.cli..", "dev.fima.examples..", "dev.fima.demo..")
        .check(classes);
  }
}
