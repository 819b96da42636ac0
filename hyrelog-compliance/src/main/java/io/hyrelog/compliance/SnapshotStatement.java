package io.hyrelog.compliance;

import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.NoteSigner;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a snapshot's signature signs: a C2SP signed note whose text names the snapshot and the
 * SHA-256 of its manifest. The {@code .sig} file next to {@code manifest.json} is that note.
 *
 * <pre>
 * audit.example.com/snapshots/&lt;companyId&gt;
 * snapshot &lt;snapshotId&gt;
 * period 2026-03-01T00:00:00Z 2026-03-02T00:00:00Z
 * events 90
 * manifest-sha256 &lt;64 hex&gt;
 * </pre>
 *
 * <p>To check a snapshot offline: verify the note with the published keys ({@link
 * SignedNote#verify}), parse its text with {@link #parse}, and compare {@link #manifestSha256}
 * with the SHA-256 of {@code manifest.json}.
 *
 * @param namespace the log namespace, the first part of the origin line
 * @param companyId the company whose events the snapshot covers
 * @param snapshotId the snapshot's id
 * @param from the period's start, inclusive
 * @param to the period's end, exclusive
 * @param events how many events the snapshot covers
 * @param manifestSha256 the SHA-256 of the manifest's bytes
 */
public record SnapshotStatement(String namespace, UUID companyId, UUID snapshotId, Instant from,
    Instant to, long events, Digest manifestSha256) {
  private static final String SNAPSHOTS = "/snapshots/";

  /**
   * Validates the statement.
   *
   * @param namespace the log namespace, the first part of the origin line
   * @param companyId the company whose events the snapshot covers
   * @param snapshotId the snapshot's id
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @param events how many events the snapshot covers
   * @param manifestSha256 the SHA-256 of the manifest's bytes
   */
  public SnapshotStatement {
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.isEmpty() || namespace.chars().anyMatch(c -> c <= 0x20 || c == '+')) {
      throw new IllegalArgumentException(
          "a namespace is non-empty, without spaces, control characters or '+'");
    }
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(snapshotId, "snapshotId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(manifestSha256, "manifestSha256");
    if (events < 0) {
      throw new IllegalArgumentException("events must be >= 0, got " + events);
    }
  }

  /**
   * The statement of {@code manifest} under {@code namespace}.
   *
   * @param namespace the log namespace
   * @param manifest the manifest
   * @return the statement
   */
  public static SnapshotStatement of(String namespace, SnapshotManifest manifest) {
    return new SnapshotStatement(namespace, manifest.companyId(), manifest.snapshotId(),
        manifest.from(), manifest.to(), manifest.events(), manifest.sha256());
  }

  /**
   * The note text.
   *
   * @return the text
   */
  public String body() {
    return namespace + SNAPSHOTS + companyId + "\n"
        + "snapshot " + snapshotId + "\n"
        + "period " + from + " " + to + "\n"
        + "events " + events + "\n"
        + "manifest-sha256 " + manifestSha256.hex() + "\n";
  }

  /**
   * The statement signed by {@code signer}, as the text of the {@code .sig} file.
   *
   * @param signer the signer
   * @return the signed note's text
   */
  public String sign(NoteSigner signer) {
    String text = body();
    return new SignedNote(text, List.of(signer.sign(text))).format();
  }

  /**
   * Parses a statement's text (already verified as a signed note) strictly: it must render back
   * to exactly {@code text}.
   *
   * @param text the text
   * @return the statement
   * @throws HyrelogException when it is not a snapshot statement
   */
  public static SnapshotStatement parse(String text) {
    String[] lines = text.split("\n", -1);
    try {
      if (lines.length != 6 || !lines[5].isEmpty()) {
        throw new IllegalArgumentException("expected 5 lines");
      }
      int at = lines[0].lastIndexOf(SNAPSHOTS);
      String[] period = field(lines[2], "period").split(" ");
      if (at <= 0 || period.length != 2) {
        throw new IllegalArgumentException("bad origin or period");
      }
      SnapshotStatement s = new SnapshotStatement(lines[0].substring(0, at),
          UUID.fromString(lines[0].substring(at + SNAPSHOTS.length())),
          UUID.fromString(field(lines[1], "snapshot")), Instant.parse(period[0]),
          Instant.parse(period[1]), Long.parseLong(field(lines[3], "events")),
          Digest.parseHex(field(lines[4], "manifest-sha256")));
      if (!s.body().equals(text)) {
        throw new IllegalArgumentException("not in canonical form");
      }
      return s;
    } catch (RuntimeException e) {
      throw new HyrelogException("not a HyreLog snapshot statement (" + e.getMessage() + ")",
          e);
    }
  }

  private static String field(String line, String name) {
    if (!line.startsWith(name + " ")) {
      throw new IllegalArgumentException("expected a '" + name + "' line");
    }
    return line.substring(name.length() + 1);
  }
}
