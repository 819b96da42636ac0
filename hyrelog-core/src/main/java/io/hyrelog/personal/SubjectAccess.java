package io.hyrelog.personal;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Fulfils an access request (GDPR Art. 15 and 20): writes every event of a data subject in a
 * scope, hot and archived, as a verifiable export plus a human-readable summary, and keeps the
 * files for download. Implementations are idempotent per request id (a second call after a crash
 * rewrites the same files) and thread-safe.
 */
public interface SubjectAccess {
  /**
   * Writes the subject's export for the request, or says which restores it waits for.
   *
   * @param requestId the access request
   * @param scope the company or one workspace
   * @param subject whose events
   * @return {@link Done} with the files, or {@link Waiting} when archived events are cold and
   *     restores were requested (call again once they are available)
   */
  Outcome fulfil(UUID requestId, EventScope scope, DataSubject subject);

  /**
   * Opens one file written for a request.
   *
   * @param scope the request's scope (its company must match the request's)
   * @param requestId the access request
   * @param file one of {@link Done#files()}
   * @return the file's bytes, or empty when the request or file is unknown to this company
   * @throws IOException when the file cannot be read
   */
  Optional<InputStream> open(EventScope scope, UUID requestId, String file) throws IOException;

  /** What {@link #fulfil} achieved. */
  sealed interface Outcome permits Done, Waiting {}

  /**
   * The export is written.
   *
   * @param events how many events it holds
   * @param files the files' names, e.g. {@code events.jsonl}, {@code summary.csv}
   */
  record Done(long events, List<String> files) implements Outcome {
    /**
     * Validates and copies.
     *
     * @param events how many events it holds
     * @param files the files' names
     */
    public Done {
      if (events < 0) {
        throw new IllegalArgumentException("events must be >= 0, got " + events);
      }
      files = List.copyOf(Objects.requireNonNull(files, "files"));
    }
  }

  /**
   * Archived events are cold; restores were filed.
   *
   * @param restoreRequests the restore requests waited for
   */
  record Waiting(List<UUID> restoreRequests) implements Outcome {
    /**
     * Validates and copies.
     *
     * @param restoreRequests the restore requests waited for
     */
    public Waiting {
      restoreRequests = List.copyOf(Objects.requireNonNull(restoreRequests, "restoreRequests"));
      if (restoreRequests.isEmpty()) {
        throw new IllegalArgumentException("a waiting outcome names at least one restore");
      }
    }
  }
}
