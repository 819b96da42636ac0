package io.hyrelog.server.internal.exports;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.DataSubject;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Which events belong to a data subject ({@link DataSubject#matches}, the one matcher of access
 * exports and erasures): events appended through the library on the in-memory store, so their
 * {@code personal} maps are the real ones.
 */
class AccessExportsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final InMemoryEventStore store = new InMemoryEventStore();
  private final WorkspaceRef ws = new WorkspaceRef(UUID.randomUUID(), UUID.randomUUID(),
      DataRegion.US);

  private AuditEvent append(PersonalDataPolicy policy, Actor actor, String metadata) {
    EventLog log = EventLog.builder(store).clock(clock).personalData(policy).build();
    NewEvent.Builder e = NewEvent.builder("user", "login").actor(actor);
    if (metadata != null) {
      e.metadata(Metadata.parse(metadata));
    }
    return log.append(ws, e.build()).event();
  }

  @Test
  void belongs_actorIdAndEmail_exactMatchOnly() {
    AuditEvent e = append(PersonalDataPolicy.defaults(), new Actor("u-1", "Ana@x.test", null,
        null), null);
    assertThat(DataSubject.actorId("u-1").matches(e)).isTrue();
    assertThat(DataSubject.actorEmail("Ana@x.test").matches(e)).isTrue();
    assertThat(DataSubject.actorEmail("ana@x.test").matches(e)).isFalse();
    assertThat(DataSubject.actorId("u-10").matches(e)).isFalse();
    assertThat(DataSubject.metadata("email", "Ana@x.test").matches(e))
        .isFalse();
  }

  @Test
  void belongs_noActor_noActorSubject() {
    AuditEvent e = append(PersonalDataPolicy.defaults(), null, "{\"u\":\"u-1\"}");
    assertThat(DataSubject.actorId("u-1").matches(e)).isFalse();
    assertThat(DataSubject.actorEmail("u-1").matches(e)).isFalse();
  }

  @Test
  void belongs_metadata_onlyWhenTheKeyIsPersonalInTheEventAndTheValueAString() {
    PersonalDataPolicy customer = PersonalDataPolicy.defaults().withMetadataKeys("customer");
    DataSubject subject = DataSubject.metadata("customer", "c-7");
    assertThat(subject.matches(append(customer, null, "{\"customer\":\"c-7\"}"))).isTrue();
    assertThat(subject.matches(append(PersonalDataPolicy.defaults(), null,
        "{\"customer\":\"c-7\"}"))).as("not declared personal").isFalse();
    assertThat(subject.matches(append(customer, null, "{\"customer\":\"c-8\"}"))).isFalse();
    assertThat(DataSubject.metadata("customer", "7")
        .matches(append(customer, null, "{\"customer\":7}")))
        .as("a number is not the string").isFalse();
    assertThat(subject.matches(append(customer, null,
        "{\"other\":{\"customer\":\"c-7\"}}"))).as("top-level keys only").isFalse();
    // Erased: the value is gone, so the event no longer names the subject.
    AuditEvent erased = append(customer, null, "{\"customer\":\"c-7\"}").erasePersonalData();
    assertThat(subject.matches(erased)).isFalse();
  }
}
