package io.hyrelog.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.DataRegion;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.RequestContext;
import io.hyrelog.Resource;
import io.hyrelog.WorkspaceRef;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/**
 * Realistic events from a seeded {@link Random}: the same seed gives the same events. Each is
 * roughly 500 bytes in export form, with personal fields, metadata of mixed types and a
 * request context, so tests and benchmarks exercise every part of the format.
 */
public final class SampleEvents {
  private static final String[] CATEGORIES = {"user", "auth", "billing", "admin", "data"};
  private static final String[] ACTIONS = {"login", "logout", "update", "create", "delete",
      "export", "invite"};
  private static final String[] ROLES = {"admin", "member", "owner", "viewer"};
  private static final String[] AGENTS = {
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
      "curl/8.5.0", "hyrelog-java/0.1.0"};

  private final Random random;

  /**
   * Events drawn from {@code seed}: the same seed gives the same events.
   *
   * @param seed the seed
   */
  public SampleEvents(long seed) {
    this.random = new Random(seed);
  }

  /**
   * A workspace of a company, both with ids drawn from {@code seed}.
   *
   * @param seed the seed of the ids
   * @param region the company's region
   * @return the workspace's coordinates
   */
  public static WorkspaceRef workspace(long seed, DataRegion region) {
    Random r = new Random(seed);
    return new WorkspaceRef(new UUID(r.nextLong(), r.nextLong()),
        new UUID(r.nextLong(), r.nextLong()), region);
  }

  /**
   * The next event, with its timestamp at {@code timestamp} (or receipt time when null).
   *
   * @param timestamp the event's timestamp, or null
   * @return the event
   */
  public NewEvent next(Instant timestamp) {
    int user = random.nextInt(10_000);
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    meta.put("requestId", "req_" + Long.toHexString(random.nextLong()));
    meta.put("plan", random.nextBoolean() ? "growth" : "enterprise");
    meta.put("attempt", random.nextInt(5) + 1);
    meta.put("latencyMs", Math.round(random.nextDouble() * 100_000) / 100.0);
    meta.put("mfa", random.nextBoolean());
    ObjectNode changes = meta.putObject("changes");
    changes.put("field", "display_name");
    changes.put("from", "Team " + random.nextInt(100));
    changes.put("to", "Team " + random.nextInt(100) + " \u00e9\u00e8 \u2713");
    meta.putArray("tags").add("sso").add("eu-west").add(random.nextInt(1000));
    return NewEvent.builder(CATEGORIES[random.nextInt(CATEGORIES.length)],
            ACTIONS[random.nextInt(ACTIONS.length)])
        .timestamp(timestamp)
        .actor(new Actor("user_" + user, "user" + user + "@example.com",
            ROLES[random.nextInt(ROLES.length)], "User Number " + user))
        .resource(new Resource("document", "doc_" + random.nextInt(1_000_000)))
        .metadata(Metadata.of(meta))
        .context(new RequestContext("trace-" + Long.toHexString(random.nextLong()),
            "203.0.113." + random.nextInt(256), AGENTS[random.nextInt(AGENTS.length)]))
        .build();
  }
}
