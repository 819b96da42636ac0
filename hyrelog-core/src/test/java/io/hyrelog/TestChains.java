package io.hyrelog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds sealed chains directly from {@link PendingEvent}, without a store. */
public final class TestChains {
  public static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  public static final WorkspaceRef WS = new WorkspaceRef(
      UUID.fromString("0192f0c1-0000-7000-8000-00000000c0de"),
      UUID.fromString("0192f0c1-0000-7000-8000-0000000000a1"), DataRegion.EU);
  public static final WorkspaceRef WS2 = new WorkspaceRef(WS.companyId(),
      UUID.fromString("0192f0c1-0000-7000-8000-0000000000a2"), DataRegion.EU);

  private TestChains() {}

  /** An event with every part present, including personal fields and metadata. */
  public static NewEvent rich(int i) {
    return NewEvent.builder("user", "login")
        .timestamp(T0.minusSeconds(60 - i))
        .actor(new Actor("u" + i, "user" + i + "@example.com", "admin", "User " + i))
        .resource(new Resource("document", "doc-" + i))
        .metadata(Metadata.parse("{\"n\":" + i + ",\"ratio\":0.5,\"ssn\":\"123-45-" + i
            + "\",\"nested\":{\"a\":[1,2,{\"b\":null}]}}"))
        .context(new RequestContext("trace-" + i, "192.0.2." + i, "agent/" + i))
        .build();
  }

  /** A chain of {@code n} rich events (seq 1..n) of {@code ws}. */
  public static List<AuditEvent> chain(WorkspaceRef ws, int n, long seed) {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    IdSource ids = IdSource.seeded(clock, seed);
    PersonalDataPolicy policy = PersonalDataPolicy.defaults().withMetadataKeys("ssn");
    List<AuditEvent> out = new ArrayList<>();
    Digest prev = Digest.ZERO;
    for (int i = 1; i <= n; i++) {
      AuditEvent e = PendingEvent.prepare(ws, rich(i), T0, ids, policy).seal(i, prev);
      out.add(e);
      prev = e.hash();
    }
    return out;
  }
}
