package io.hyrelog.spi;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A request to erase a person's personal data (GDPR Art. 17): every event in {@code scope} that
 * belongs to one of the {@code subjects} loses the values and salts of all its personal fields.
 * Commitments stay, so every chain still verifies. Fields that are not personal are never
 * changed.
 *
 * <p>An event belongs to a subject when its actor id, its actor email, or its top-level metadata
 * value at the subject's key equals the subject's value ({@link DataSubject#matches}); a
 * METADATA subject matches only where the event declares that key personal (its {@code
 * personal} map).
 *
 * @param scope the company or workspace whose events are searched
 * @param subjects the data subjects, at least one
 */
public record ErasureRequest(EventScope scope, List<DataSubject> subjects) {
  /**
   * Validates the request.
   *
   * @param scope the company or workspace whose events are searched
   * @param subjects the data subjects, at least one
   * @throws IllegalArgumentException when no subject is given
   */
  public ErasureRequest {
    Objects.requireNonNull(scope, "scope");
    subjects = List.copyOf(Objects.requireNonNull(subjects, "subjects"));
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("an erasure request needs at least one subject");
    }
  }

  /**
   * The request by actor, as before data subjects existed.
   *
   * @param scope the company or workspace whose events are searched
   * @param actorId matches {@code actor.id}; may be {@code null} when {@code actorEmail} is
   *     given
   * @param actorEmail matches {@code actor.email}; may be {@code null} when {@code actorId} is
   *     given
   * @throws IllegalArgumentException when neither an actor id nor an actor email is given
   */
  public ErasureRequest(EventScope scope, String actorId, String actorEmail) {
    this(scope, actors(actorId, actorEmail));
  }

  /**
   * The request of one subject.
   *
   * @param scope the company or workspace whose events are searched
   * @param subject the data subject
   * @return the request
   */
  public static ErasureRequest of(EventScope scope, DataSubject subject) {
    return new ErasureRequest(scope, List.of(Objects.requireNonNull(subject, "subject")));
  }

  /**
   * The actor id of the first {@link DataSubject.Kind#ACTOR_ID} subject.
   *
   * @return the actor id, or {@code null}
   */
  public String actorId() {
    return valueOf(DataSubject.Kind.ACTOR_ID);
  }

  /**
   * The actor email of the first {@link DataSubject.Kind#ACTOR_EMAIL} subject.
   *
   * @return the actor email, or {@code null}
   */
  public String actorEmail() {
    return valueOf(DataSubject.Kind.ACTOR_EMAIL);
  }

  /**
   * Whether {@code e} is in the scope and belongs to one of the subjects (whether or not its
   * personal values are still there).
   *
   * @param e an event
   * @return true when the request selects it
   */
  public boolean selects(AuditEvent e) {
    if (!scope.contains(e.companyId(), e.workspaceId())) {
      return false;
    }
    return subjects.stream().anyMatch(s -> s.matches(e));
  }

  private String valueOf(DataSubject.Kind kind) {
    return subjects.stream().filter(s -> s.kind() == kind).map(DataSubject::value).findFirst()
        .orElse(null);
  }

  private static List<DataSubject> actors(String actorId, String actorEmail) {
    if (actorId == null && actorEmail == null) {
      throw new IllegalArgumentException("an erasure request needs an actorId or an actorEmail");
    }
    List<DataSubject> out = new ArrayList<>();
    if (actorId != null) {
      out.add(DataSubject.actorId(actorId));
    }
    if (actorEmail != null) {
      out.add(DataSubject.actorEmail(actorEmail));
    }
    return out;
  }

  /** Never shows the subjects' values. */
  @Override
  public String toString() {
    return "ErasureRequest[" + scope + ", " + subjects + "]";
  }
}
