package io.hyrelog.compliance.export;

import io.hyrelog.HyrelogException;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a company's record types, encrypts each and delivers it: one object per type, named
 * {@code compliance-exports/<companyId>/<yyyyMMdd'T'HHmmss'Z'>-<type>.<format>.enc(.json)}.
 * Each type is encrypted to a private temporary file (constant memory) that is deleted after
 * delivery. One type failing does not stop the others; the result lists each type's outcome.
 *
 * <p>Thread-safe if the delivery is.
 */
public final class ComplianceExporter {
  private static final Logger LOG = LoggerFactory.getLogger(ComplianceExporter.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter
      .ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final ExportEncryption encryption;
  private final ExportDelivery delivery;
  private final Clock clock;
  private final Path workDir;

  /**
   * An exporter that encrypts each type's records and hands the file to {@code delivery}.
   *
   * @param encryption how exports are encrypted
   * @param delivery where encrypted exports go
   * @param clock the clock of the exports' creation times
   * @param workDir where encrypted files are staged before delivery; each is deleted afterwards
   */
  public ComplianceExporter(ExportEncryption encryption, ExportDelivery delivery, Clock clock,
      Path workDir) {
    this.encryption = Objects.requireNonNull(encryption, "encryption");
    this.delivery = Objects.requireNonNull(delivery, "delivery");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
  }

  /** How one type ended. */
  public enum Status {
    /** Exported, encrypted and delivered. */
    DELIVERED,
    /** Not delivered; the type's error says why. */
    FAILED
  }

  /**
   * One type's outcome.
   *
   * @param type the record type
   * @param status whether it was delivered
   * @param objectName the name it was (or would have been) delivered under, without suffix if
   *     it failed before the format was known
   * @param location where it went ({@link ExportDelivery#deliver}'s answer), if delivered
   * @param encryptedFormat the encrypted format written, if it got that far
   * @param plaintextBytes bytes of records written
   * @param encryptedBytes bytes of the encrypted file
   * @param error what went wrong, if failed (no secrets)
   */
  public record TypeResult(String type, Status status, String objectName,
      Optional<String> location, Optional<EncryptedFormat> encryptedFormat, long plaintextBytes,
      long encryptedBytes, Optional<String> error) {
    /**
     * Validates the outcome.
     *
     * @param type the record type
     * @param status whether it was delivered
     * @param objectName the name it was (or would have been) delivered under, without suffix if
     *     it failed before the format was known
     * @param location where it went ({@link ExportDelivery#deliver}'s answer), if delivered
     * @param encryptedFormat the encrypted format written, if it got that far
     * @param plaintextBytes bytes of records written
     * @param encryptedBytes bytes of the encrypted file
     * @param error what went wrong, if failed (no secrets)
     */
    public TypeResult {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(objectName, "objectName");
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(encryptedFormat, "encryptedFormat");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * A run's outcome: every requested type, in order.
   *
   * @param companyId the company exported
   * @param createdAt the run's time, in every object name
   * @param delivery where the exports went ({@link ExportDelivery#describe()})
   * @param types one outcome per requested type, in order
   */
  public record Result(String companyId, Instant createdAt, String delivery,
      List<TypeResult> types) {
    /**
     * Copies the types.
     *
     * @param companyId the company exported
     * @param createdAt the run's time, in every object name
     * @param delivery where the exports went ({@link ExportDelivery#describe()})
     * @param types one outcome per requested type, in order
     */
    public Result {
      types = List.copyOf(types);
    }

    /**
     * Whether any type failed.
     *
     * @return true when a type's status is FAILED
     */
    public boolean anyFailed() {
      return types.stream().anyMatch(t -> t.status() == Status.FAILED);
    }
  }

  /**
   * The object name of a type's export, before the encrypted format's suffix.
   *
   * @param companyId the company
   * @param createdAt the run's time
   * @param type the record type
   * @param format the format, e.g. {@code jsonl}
   * @return the object name
   */
  public static String baseName(String companyId, Instant createdAt, String type,
      String format) {
    return "compliance-exports/" + companyId + "/" + STAMP.format(createdAt) + "-" + type + "."
        + format;
  }

  /**
   * Exports each source's records of {@code companyId} in {@code format}.
   *
   * @param companyId the company
   * @param format the format, e.g. {@code jsonl}
   * @param sources one source per record type
   * @return what happened to each type
   * @throws IllegalArgumentException if a source does not support the format or the company id
   *     is not a valid descriptor value (nothing is exported then)
   */
  public Result export(String companyId, String format, List<ComplianceRecordSource> sources) {
    Instant createdAt = Instant.ofEpochMilli(clock.millis());
    for (ComplianceRecordSource s : sources) {
      new ExportDescriptor(companyId, s.type(), format, createdAt);
      if (!s.supports(format)) {
        throw new IllegalArgumentException("type " + s.type() + " cannot be exported as "
            + format);
      }
    }
    List<TypeResult> out = new ArrayList<>();
    for (ComplianceRecordSource s : sources) {
      out.add(one(companyId, format, createdAt, s));
    }
    return new Result(companyId, createdAt, delivery.describe(), out);
  }

  private TypeResult one(String companyId, String format, Instant createdAt,
      ComplianceRecordSource source) {
    String base = baseName(companyId, createdAt, source.type(), format);
    EncryptedFormat ef = null;
    long plain = 0;
    long size = 0;
    try {
      FileMode.PRIVATE.createDirectories(workDir);
      // A private scratch file, never published here: closing it removes it.
      try (StagedFile scratch = StagedFile.create(workDir.resolve("compliance-export"),
          FileMode.PRIVATE)) {
        try (EncryptingOutputStream enc = encryption.open(scratch.outputStream(),
            new ExportDescriptor(companyId, source.type(), format, createdAt))) {
          source.write(companyId, format, enc);
          enc.close();
          ef = enc.format().orElseThrow();
          plain = enc.plaintextBytes();
        }
        size = scratch.channel().size();
        String name = base + ef.suffix();
        String where = delivery.deliver(name, scratch.temporary());
        LOG.info("compliance export {} of company {} delivered to {} ({} bytes)", source.type(),
            companyId, where, size);
        return new TypeResult(source.type(), Status.DELIVERED, name, Optional.of(where),
            Optional.of(ef), plain, size, Optional.empty());
      }
    } catch (IOException | HyrelogException | IllegalArgumentException
        | IllegalStateException | java.io.UncheckedIOException e) {
      String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
      LOG.warn("compliance export {} of company {} failed: {}", source.type(), companyId, msg);
      return new TypeResult(source.type(), Status.FAILED, ef == null ? base
          : base + ef.suffix(), Optional.empty(), Optional.ofNullable(ef), plain, size,
          Optional.of(msg));
    }
  }
}
