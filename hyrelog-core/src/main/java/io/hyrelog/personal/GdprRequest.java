package io.hyrelog.personal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.Salt;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A personal-data request of a company: erase or export everything of one {@link DataSubject}
 * in the company or one of its workspaces. Immutable; each move returns the next state and the
 * {@link io.hyrelog.spi.GdprRequests} port stores it conditionally. Instants are kept at
 * microsecond precision (finer digits are dropped), as the stores keep them.
 *
 * <p>Rules held here (and again by the PostgreSQL adapter's constraints and trigger): the
 * statuses move as {@link GdprRequestStatus#next()} says; an erasure is approved only by a
 * {@link Requester} other than its requester (dual control), an access request is filed {@link
 * GdprRequestStatus#APPROVED} by nobody; the due date is the filing time plus {@value
 * #DUE_DAYS} days (GDPR Art. 12(3)); the subject's value is kept only while the request is open
 * — once final, only {@link #subjectHash()} (and the subject's kind and metadata key) remain.
 *
 * @param id the request's id (a UUIDv7)
 * @param companyId the company
 * @param workspaceId one workspace, or empty for the whole company
 * @param type erasure or access
 * @param subjectKind how the subject is selected
 * @param subjectKey the metadata key of a {@link DataSubject.Kind#METADATA} subject, else empty
 * @param subject the subject while the request is open; empty once it is final
 * @param subjectHash the salted hash of the subject, kept for ever
 * @param reason why (1..{@value #MAX_REASON} characters; never logged)
 * @param requester who filed it
 * @param status where it stands
 * @param filedAt when it was filed
 * @param dueAt {@code filedAt} plus {@value #DUE_DAYS} days
 * @param updatedAt when it last changed
 * @param decidedBy the approver (ERASURE approved), rejecter or canceller; else empty
 * @param decidedAt when that decision was taken
 * @param startedAt when the job claimed it (RUNNING and after)
 * @param finishedAt when it became COMPLETED or FAILED
 * @param result progress while RUNNING (optional), the proof once COMPLETED (required)
 * @param failure why it FAILED (no personal value), else empty
 */
public record GdprRequest(UUID id, UUID companyId, Optional<UUID> workspaceId,
    GdprRequestType type, DataSubject.Kind subjectKind, Optional<String> subjectKey,
    Optional<DataSubject> subject, SubjectHash subjectHash, String reason, Requester requester,
    GdprRequestStatus status, Instant filedAt, Instant dueAt, Instant updatedAt,
    Optional<Requester> decidedBy, Optional<Instant> decidedAt, Optional<Instant> startedAt,
    Optional<Instant> finishedAt, Optional<ObjectNode> result, Optional<String> failure) {

  /** Days from filing to the due date (GDPR Art. 12(3): one month). */
  public static final int DUE_DAYS = 30;
  /** The longest reason accepted. */
  public static final int MAX_REASON = 1000;
  /** The longest failure text kept (longer ones are cut). */
  public static final int MAX_FAILURE = 1000;

  /**
   * Validates the request against the rules above.
   *
   * @param id the request's id (a UUIDv7)
   * @param companyId the company
   * @param workspaceId one workspace, or empty for the whole company
   * @param type erasure or access
   * @param subjectKind how the subject is selected
   * @param subjectKey the metadata key of a {@link DataSubject.Kind#METADATA} subject, else empty
   * @param subject the subject while the request is open; empty once it is final
   * @param subjectHash the salted hash of the subject, kept for ever
   * @param reason why (1..{@value #MAX_REASON} characters; never logged)
   * @param requester who filed it
   * @param status where it stands
   * @param filedAt when it was filed
   * @param dueAt {@code filedAt} plus {@value #DUE_DAYS} days
   * @param updatedAt when it last changed
   * @param decidedBy the approver (ERASURE approved), rejecter or canceller; else empty
   * @param decidedAt when that decision was taken
   * @param startedAt when the job claimed it (RUNNING and after)
   * @param finishedAt when it became COMPLETED or FAILED
   * @param result progress while RUNNING (optional), the proof once COMPLETED (required)
   * @param failure why it FAILED (no personal value), else empty
   * @throws IllegalArgumentException naming the first rule broken (never a subject's value)
   */
  public GdprRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subjectKind, "subjectKind");
    Objects.requireNonNull(subjectKey, "subjectKey");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(subjectHash, "subjectHash");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(status, "status");
    filedAt = micros(Objects.requireNonNull(filedAt, "filedAt"));
    dueAt = micros(Objects.requireNonNull(dueAt, "dueAt"));
    updatedAt = micros(Objects.requireNonNull(updatedAt, "updatedAt"));
    Objects.requireNonNull(decidedBy, "decidedBy");
    decidedAt = Objects.requireNonNull(decidedAt, "decidedAt").map(GdprRequest::micros);
    startedAt = Objects.requireNonNull(startedAt, "startedAt").map(GdprRequest::micros);
    finishedAt = Objects.requireNonNull(finishedAt, "finishedAt").map(GdprRequest::micros);
    result = Objects.requireNonNull(result, "result").map(ObjectNode::deepCopy);
    Objects.requireNonNull(failure, "failure");
    String what = "gdpr request " + id + " (" + status + "): ";
    if (reason.isBlank() || reason.length() > MAX_REASON) {
      throw new IllegalArgumentException(what + "reason must have 1.." + MAX_REASON
          + " characters and not be blank, got " + reason.length());
    }
    if ((subjectKind == DataSubject.Kind.METADATA) != subjectKey.isPresent()) {
      throw new IllegalArgumentException(what + "a metadata key is given exactly for METADATA");
    }
    if (subject.isPresent() == status.isFinal()) {
      throw new IllegalArgumentException(what + "the subject is kept exactly while open");
    }
    subject.ifPresent(s -> {
      if (reason.contains(s.value())) {
        throw new IllegalArgumentException("gdpr request " + id
            + ": the reason must not contain the subject's value (it outlives the value)");
      }
      if (s.kind() != subjectKind || !Objects.equals(s.key(), subjectKey.orElse(null))
          || !subjectHash.matches(s)) {
        throw new IllegalArgumentException("gdpr request " + id
            + ": the subject disagrees with its kind, key or hash");
      }
    });
    if (!dueAt.equals(filedAt.plus(Duration.ofDays(DUE_DAYS)))) {
      throw new IllegalArgumentException(what + "dueAt must be filedAt + " + DUE_DAYS + " days");
    }
    if (updatedAt.isBefore(filedAt)) {
      throw new IllegalArgumentException(what + "updatedAt is before filedAt");
    }
    boolean approvedOrLater = switch (status) {
      case APPROVED, RUNNING, COMPLETED, FAILED -> true;
      default -> false;
    };
    boolean decided = status == GdprRequestStatus.REJECTED
        || status == GdprRequestStatus.CANCELLED
        || (approvedOrLater && type == GdprRequestType.ERASURE);
    if (decidedBy.isPresent() != decided || decidedAt.isPresent() != decided) {
      throw new IllegalArgumentException(what + "decidedBy/decidedAt are set exactly for a "
          + "rejected, cancelled or approved erasure");
    }
    if (type == GdprRequestType.ERASURE && approvedOrLater
        && decidedBy.orElseThrow().equals(requester)) {
      throw new IllegalArgumentException(what + "an erasure's approver must not be its requester");
    }
    boolean started = status == GdprRequestStatus.RUNNING || status.isFinal() && approvedOrLater;
    if (startedAt.isPresent() != started) {
      throw new IllegalArgumentException(what + "startedAt is set exactly from RUNNING on");
    }
    boolean finished = status == GdprRequestStatus.COMPLETED
        || status == GdprRequestStatus.FAILED;
    if (finishedAt.isPresent() != finished) {
      throw new IllegalArgumentException(what + "finishedAt is set exactly when COMPLETED or"
          + " FAILED");
    }
    if (status == GdprRequestStatus.COMPLETED && result.isEmpty()) {
      throw new IllegalArgumentException(what + "a COMPLETED request has a result");
    }
    if (result.isPresent() && status != GdprRequestStatus.RUNNING
        && status != GdprRequestStatus.COMPLETED) {
      throw new IllegalArgumentException(what + "only RUNNING and COMPLETED requests have a"
          + " result");
    }
    if (failure.isPresent() != (status == GdprRequestStatus.FAILED)) {
      throw new IllegalArgumentException(what + "failure is set exactly when FAILED");
    }
    failure = failure.map(f -> f.length() <= MAX_FAILURE ? f : f.substring(0, MAX_FAILURE));
  }

  /**
   * A new request: an erasure waits for approval, an access request is APPROVED at once.
   *
   * @param id the request's id (a UUIDv7)
   * @param scope the company, or one of its workspaces
   * @param type erasure or access
   * @param subject the data subject
   * @param reason why, 1..{@value #MAX_REASON} characters
   * @param requester who files it
   * @param salt a fresh random salt for {@link #subjectHash()}
   * @param at the filing time
   * @return the request
   */
  public static GdprRequest file(UUID id, EventScope scope, GdprRequestType type,
      DataSubject subject, String reason, Requester requester, Salt salt, Instant at) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(type, "type");
    Instant filed = micros(Objects.requireNonNull(at, "at"));
    GdprRequestStatus status = type == GdprRequestType.ACCESS ? GdprRequestStatus.APPROVED
        : GdprRequestStatus.PENDING_APPROVAL;
    return new GdprRequest(id, scope.companyId(), Optional.ofNullable(scope.workspaceId()),
        type, subject.kind(), Optional.ofNullable(subject.key()), Optional.of(subject),
        SubjectHash.of(salt, subject), reason, requester, status, filed,
        filed.plus(Duration.ofDays(DUE_DAYS)), filed, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * The result, as a copy (the record stays immutable).
   *
   * @return a copy of the progress or proof, or empty
   */
  @Override
  public Optional<ObjectNode> result() {
    return result.map(ObjectNode::deepCopy);
  }

  /**
   * The scope the request covers.
   *
   * @return the company or workspace scope
   */
  public EventScope scope() {
    return workspaceId.map(w -> EventScope.workspace(companyId, w))
        .orElseGet(() -> EventScope.company(companyId));
  }

  /**
   * Whether the request is open past its due date.
   *
   * @param asOf now
   * @return true when not final and {@code asOf} is after {@link #dueAt()}
   */
  public boolean overdue(Instant asOf) {
    return !status.isFinal() && asOf.isAfter(dueAt);
  }

  /**
   * Approved by a second person.
   *
   * @param by the approver
   * @param at when
   * @return the APPROVED request
   * @throws GdprConflictException when it is not a pending erasure ({@code
   *     NOT_ALLOWED_IN_STATUS}) or {@code by} is the requester ({@code SAME_PERSON})
   */
  public GdprRequest approve(Requester by, Instant at) {
    require(GdprRequestStatus.APPROVED);
    if (requester.equals(Objects.requireNonNull(by, "by"))) {
      throw new GdprConflictException(GdprConflictException.Reason.SAME_PERSON, id,
          "gdpr request " + id + " must be approved by another person than its requester");
    }
    return with(GdprRequestStatus.APPROVED, at, Optional.of(by), Optional.of(at), startedAt,
        finishedAt, result, failure, subject);
  }

  /**
   * Refused by the approver.
   *
   * @param by who refuses
   * @param at when
   * @return the REJECTED request (its subject no longer kept)
   * @throws GdprConflictException when it is not pending
   */
  public GdprRequest reject(Requester by, Instant at) {
    require(GdprRequestStatus.REJECTED);
    return with(GdprRequestStatus.REJECTED, at, Optional.of(by), Optional.of(at), startedAt,
        finishedAt, result, failure, Optional.empty());
  }

  /**
   * Withdrawn while pending.
   *
   * @param by who withdraws
   * @param at when
   * @return the CANCELLED request (its subject no longer kept)
   * @throws GdprConflictException when it is not pending
   */
  public GdprRequest cancel(Requester by, Instant at) {
    require(GdprRequestStatus.CANCELLED);
    return with(GdprRequestStatus.CANCELLED, at, Optional.of(by), Optional.of(at), startedAt,
        finishedAt, result, failure, Optional.empty());
  }

  /**
   * Claimed by the job.
   *
   * @param at when
   * @return the RUNNING request
   * @throws GdprConflictException when it is not APPROVED
   */
  public GdprRequest start(Instant at) {
    if (status != GdprRequestStatus.APPROVED) {
      throw notAllowed(GdprRequestStatus.RUNNING);
    }
    return with(GdprRequestStatus.RUNNING, at, decidedBy, decidedAt, Optional.of(at),
        finishedAt, Optional.empty(), failure, subject);
  }

  /**
   * Progress of a running request, kept so that a crashed run resumes.
   *
   * @param progress what is done so far (no personal value)
   * @param at when
   * @return the RUNNING request with the progress
   * @throws GdprConflictException when it is not RUNNING
   */
  public GdprRequest progress(ObjectNode progress, Instant at) {
    if (status != GdprRequestStatus.RUNNING) {
      throw notAllowed(GdprRequestStatus.RUNNING);
    }
    return with(status, at, decidedBy, decidedAt, startedAt, finishedAt,
        Optional.of(progress), failure, subject);
  }

  /**
   * Done; the subject's value is dropped, its hash stays.
   *
   * @param proof the result (no personal value)
   * @param at when
   * @return the COMPLETED request
   * @throws GdprConflictException when it is not RUNNING
   */
  public GdprRequest complete(ObjectNode proof, Instant at) {
    require(GdprRequestStatus.COMPLETED);
    return with(GdprRequestStatus.COMPLETED, at, decidedBy, decidedAt, startedAt,
        Optional.of(at), Optional.of(proof), failure, Optional.empty());
  }

  /**
   * Given up.
   *
   * @param why the failure (no personal value; cut to {@value #MAX_FAILURE} characters)
   * @param at when
   * @return the FAILED request
   * @throws GdprConflictException when it is not RUNNING
   */
  public GdprRequest fail(String why, Instant at) {
    require(GdprRequestStatus.FAILED);
    return with(GdprRequestStatus.FAILED, at, decidedBy, decidedAt, startedAt, Optional.of(at),
        Optional.empty(), Optional.of(why), Optional.empty());
  }

  private void require(GdprRequestStatus to) {
    if (!status.canMoveTo(to)) {
      throw notAllowed(to);
    }
  }

  private GdprConflictException notAllowed(GdprRequestStatus to) {
    return new GdprConflictException(GdprConflictException.Reason.NOT_ALLOWED_IN_STATUS, id,
        "gdpr request " + id + " cannot move from " + status + " to " + to);
  }

  private GdprRequest with(GdprRequestStatus to, Instant at, Optional<Requester> by,
      Optional<Instant> byAt, Optional<Instant> started, Optional<Instant> finished,
      Optional<ObjectNode> res, Optional<String> fail, Optional<DataSubject> keep) {
    Instant now = micros(Objects.requireNonNull(at, "at"));
    return new GdprRequest(id, companyId, workspaceId, type, subjectKind, subjectKey, keep,
        subjectHash, reason, requester, to, filedAt, dueAt, now.isBefore(updatedAt) ? updatedAt
        : now, by, byAt, started, finished, res, fail);
  }

  private static Instant micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }

  /** Never shows the subject's value or the reason. */
  @Override
  public String toString() {
    return "GdprRequest[" + id + ", " + type + ", " + status + ", company " + companyId + "]";
  }
}
