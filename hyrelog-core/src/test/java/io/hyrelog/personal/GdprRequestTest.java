package io.hyrelog.personal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.Salt;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The rules a request holds by itself, whatever store keeps it. */
class GdprRequestTest {
  private static final Instant T0 = Instant.parse("2026-02-01T00:00:00.123456789Z");
  private static final DataSubject ANA = DataSubject.actorEmail("ana@example.test");
  private static final UUID COMPANY = UUID.fromString("0190eeee-0000-7000-8000-000000000001");
  private static final Salt SALT = Salt.of(new byte[16]);

  private static GdprRequest erasure(String reason) {
    return GdprRequest.file(UUID.fromString("0190eeee-0000-7000-8000-0000000000aa"),
        EventScope.company(COMPANY), GdprRequestType.ERASURE, ANA, reason,
        Requester.user("u1"), SALT, T0);
  }

  @Test
  void file_erasure_pendingDueInThirtyDaysAtMicros() {
    GdprRequest r = erasure("ticket 1");
    assertThat(r.status()).isEqualTo(GdprRequestStatus.PENDING_APPROVAL);
    assertThat(r.filedAt()).isEqualTo(Instant.parse("2026-02-01T00:00:00.123456Z"));
    assertThat(r.dueAt()).isEqualTo(r.filedAt().plus(Duration.ofDays(30)));
    assertThat(r.overdue(r.dueAt())).isFalse();
    assertThat(r.overdue(r.dueAt().plusNanos(1000))).isTrue();
    assertThat(r.toString()).doesNotContain("ana@").doesNotContain("ticket");
  }

  @Test
  void file_reasonNamingTheSubject_refused() {
    assertThatThrownBy(() -> erasure("erase ana@example.test"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("ana@");
    assertThatThrownBy(() -> erasure(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> erasure("x".repeat(1001)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void approve_sameRequesterOrNotPending_refused() {
    GdprRequest r = erasure("t");
    assertThatThrownBy(() -> r.approve(Requester.user("u1"), T0))
        .isInstanceOfSatisfying(GdprConflictException.class,
            e -> assertThat(e.reason()).isEqualTo(GdprConflictException.Reason.SAME_PERSON));
    // Same id but another kind of identity is another person.
    GdprRequest approved = r.approve(Requester.key("u1"), T0);
    assertThat(approved.status()).isEqualTo(GdprRequestStatus.APPROVED);
    assertThatThrownBy(() -> approved.cancel(Requester.user("u1"), T0))
        .isInstanceOf(GdprConflictException.class);
  }

  @Test
  void finalStates_dropTheSubjectAndRefuseToKeepIt() {
    GdprRequest r = erasure("t");
    GdprRequest cancelled = r.cancel(Requester.user("u1"), T0);
    assertThat(cancelled.subject()).isEmpty();
    assertThat(cancelled.subjectHash().matches(ANA)).isTrue();
    assertThatThrownBy(() -> new GdprRequest(r.id(), r.companyId(), r.workspaceId(), r.type(),
        r.subjectKind(), r.subjectKey(), Optional.of(ANA), r.subjectHash(), r.reason(),
        r.requester(), GdprRequestStatus.CANCELLED, r.filedAt(), r.dueAt(), r.updatedAt(),
        cancelled.decidedBy(), cancelled.decidedAt(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void result_isACopy() {
    GdprRequest running = erasure("t").approve(Requester.user("u2"), T0).start(T0)
        .progress(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
            .put("step", 1), T0);
    running.result().orElseThrow().put("step", 2);
    assertThat(running.result().orElseThrow().get("step").asInt()).isEqualTo(1);
  }
}
