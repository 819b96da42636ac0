package io.hyrelog.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.regex.Pattern;
import io.hyrelog.server.internal.HealthProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, stated as rules over the main classes of every HyreLog module on this
 * module's classpath (this module sees all libraries). A rule that fails names each offending
 * dependency, with the class, member and line.
 */
class ArchitectureTest {
  /** Core's packages: {@code io.hyrelog.archive} is core, {@code io.hyrelog.archive.s3} is not. */
  static final String[] CORE = {"io.hyrelog", "io.hyrelog.archive", "io.hyrelog.export..",
      "io.hyrelog.files..", "io.hyrelog.integrity..", "io.hyrelog.internal..",
      "io.hyrelog.jobs..", "io.hyrelog.lifecycle..", "io.hyrelog.log..", "io.hyrelog.net..",
      "io.hyrelog.spi..", "io.hyrelog.streams..", "io.hyrelog.tlog.."};
  static final String STORAGE = "io.hyrelog.storage..";
  static final String ARCHIVE_S3 = "io.hyrelog.archive.s3..";
  static final String COMPLIANCE_S3 = "io.hyrelog.compliance.s3..";
  static final String COMPLIANCE_SFTP = "io.hyrelog.compliance.sftp..";
  static final String TESTKIT = "io.hyrelog.testkit..";
  static final String SERVER = "io.hyrelog.server..";
  static final String CLI = "io.hyrelog.cli..";
  static final String BENCHMARKS = "io.hyrelog.benchmarks..";

  /** The compliance module: {@code io.hyrelog.compliance..} without its two adapters. */
  static final DescribedPredicate<JavaClass> COMPLIANCE = resideInAPackage(
      "io.hyrelog.compliance..").and(not(resideInAnyPackage(COMPLIANCE_S3, COMPLIANCE_SFTP)))
      .as("reside in the compliance module");

  /** Main code only: no test classes of any module, no test-jars. */
  static final ImportOption MAIN_CLASSES = new ImportOption() {
    private final Pattern testJar = Pattern.compile(".*-tests\\.jar!/.*");

    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/") && !location.matches(testJar);
    }
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(MAIN_CLASSES).importPackages("io.hyrelog");
  }

  @Test
  void import_mainClassesOfEveryModule_noTestClasses() {
    // The rules below are only as good as what they see.
    for (String name : new String[] {"io.hyrelog.AuditEvent", "io.hyrelog.files.StagedFile",
        "io.hyrelog.testkit.MutableClock", "io.hyrelog.storage.postgres.PostgresEventStore",
        "io.hyrelog.archive.s3.S3ArchiveStore", "io.hyrelog.compliance.evidence.PeriodEvents",
        "io.hyrelog.compliance.s3.S3Delivery", "io.hyrelog.compliance.sftp.SftpDelivery",
        "io.hyrelog.server.HyrelogServer"}) {
      assertThat(classes.contain(name)).as(name).isTrue();
    }
    assertThat(classes.contain(ArchitectureTest.class)).isFalse();
    assertThat(classes.contain("io.hyrelog.testkit.InMemoryEventStoreTest")).isFalse();
    assertThat(classes.contain("io.hyrelog.export.Rfc4180Reader")).isFalse(); // core's test-jar
  }

  @Test
  void packages_noCycles() {
    // Every package is its own slice, the root package io.hyrelog and the server's included.
    SliceAssignment byPackage = new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass c) {
        String p = c.getPackageName();
        boolean ours = p.equals("io.hyrelog") || p.startsWith("io.hyrelog.");
        return ours ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "every io.hyrelog package";
      }
    };
    slices().assignedFrom(byPackage).should().beFreeOfCycles().check(classes);
  }

  /**
   * The server reaches its databases through the storage module's ports and adapters and
   * builds pools of {@code javax.sql.DataSource} (pool wiring is HikariCP's), so it has no use
   * for {@code java.sql}: no SQL, no JDBC types in routes, jobs or features. The one exception is
   * the health check, which on purpose bypasses the pools (a saturated pool must not make the
   * database look down) and asks the driver's validity check on a fresh connection, sending no
   * statement of its own.
   */
  @Test
  void server_usesNoJavaSqlButTheHealthCheck() {
    noClasses().that().resideInAPackage(SERVER)
        .and(not(JavaClass.Predicates.belongToAnyOf(HealthProbe.class)))
        .should().dependOnClassesThat().resideInAPackage("java.sql..").check(classes);
  }

  @Test
  void core_dependsOnNoAdapterComplianceTestkitServerOrCli() {
    noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat()
        .resideInAnyPackage(STORAGE, ARCHIVE_S3, "io.hyrelog.compliance..", TESTKIT, SERVER,
            CLI, BENCHMARKS)
        .check(classes);
  }

  @Test
  void storagePostgres_importsNoOtherAdapter() {
    noClasses().that().resideInAPackage(STORAGE).should().dependOnClassesThat()
        .resideInAnyPackage(ARCHIVE_S3, "io.hyrelog.compliance..", TESTKIT).check(classes);
  }

  @Test
  void archiveS3_importsNoOtherAdapter() {
    noClasses().that().resideInAPackage(ARCHIVE_S3).should().dependOnClassesThat()
        .resideInAnyPackage(STORAGE, "io.hyrelog.compliance..", TESTKIT).check(classes);
  }

  @Test
  void compliance_importsNoStorageArchiveS3OrItsOwnAdapters() {
    noClasses().that(COMPLIANCE).should().dependOnClassesThat()
        .resideInAnyPackage(STORAGE, ARCHIVE_S3, COMPLIANCE_S3, COMPLIANCE_SFTP, TESTKIT)
        .check(classes);
  }

  @Test
  void complianceSftp_importsNoStorageOrArchiveS3() {
    noClasses().that().resideInAPackage(COMPLIANCE_SFTP).should().dependOnClassesThat()
        .resideInAnyPackage(STORAGE, ARCHIVE_S3, COMPLIANCE_S3, TESTKIT).check(classes);
  }

  @Test
  void complianceS3_usesArchiveS3ButNoStorage() {
    noClasses().that().resideInAPackage(COMPLIANCE_S3).should().dependOnClassesThat()
        .resideInAnyPackage(STORAGE, COMPLIANCE_SFTP, TESTKIT).check(classes);
  }

  @Test
  void coreInternal_usedOnlyInCore() {
    noClasses().that().resideOutsideOfPackages(CORE).should().dependOnClassesThat()
        .resideInAPackage("io.hyrelog.internal..").check(classes);
  }

  @Test
  void storageInternal_usedOnlyInStorage() {
    // The benchmarks' raw loads use it too; they are not on this classpath.
    noClasses().that().resideOutsideOfPackage(STORAGE).should().dependOnClassesThat()
        .resideInAPackage("io.hyrelog.storage.postgres.internal..").check(classes);
  }

  @Test
  void complianceInternal_usedOnlyInCompliance() {
    noClasses().that(not(COMPLIANCE).as("reside outside of the compliance module")).should()
        .dependOnClassesThat().resideInAPackage("io.hyrelog.compliance.internal..").check(classes);
  }

  @Test
  void libraries_neverDependOnServerOrCli() {
    noClasses().that().resideOutsideOfPackages(SERVER, CLI).should().dependOnClassesThat()
        .resideInAnyPackage(SERVER, CLI).check(classes);
  }
}
