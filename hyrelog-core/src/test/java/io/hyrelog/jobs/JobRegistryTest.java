package io.hyrelog.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobRegistryTest {
  private static final JobHandler NOOP = ctx -> JobResult.empty();

  private static JobDefinition def(String type) {
    return new JobDefinition(type, "test", JobInputSchema.none(),
        JobPolicy.of(1, Duration.ofSeconds(5)), NOOP);
  }

  @Test
  void builder_duplicateType_rejected() {
    JobRegistry.Builder b = JobRegistry.builder().add(def("a.b"));
    assertThatThrownBy(() -> b.add(def("a.b"))).hasMessageContaining("a.b is registered twice");
  }

  @Test
  void find_and_all_keepRegistrationOrder() {
    JobDefinition sched = def("z.sched").withHandler(NOOP);
    sched = new JobDefinition("z.sched", "d", JobInputSchema.none(),
        sched.policy().withSchedule(JobSchedule.every(Duration.ofMinutes(1))), NOOP);
    JobRegistry r = JobRegistry.builder().add(def("b.one")).add(def("a.two")).add(sched).build();
    assertThat(r.all()).extracting(JobDefinition::type).containsExactly("b.one", "a.two",
        "z.sched");
    assertThat(r.scheduled()).extracting(JobDefinition::type).containsExactly("z.sched");
    assertThat(r.find("a.two")).isPresent();
    assertThat(r.find("nope")).isEmpty();
    assertThat(r.size()).isEqualTo(3);
  }

  @Test
  void definition_badTypeNames_rejected() {
    for (String bad : new String[] {"", "A.b", "a..b", ".a", "a.", "a-b", "a b", "x".repeat(65)}) {
      assertThatThrownBy(() -> def(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(def("retention.mark").type()).isEqualTo("retention.mark");
    assertThat(def("chains.verify_all2").type()).isEqualTo("chains.verify_all2");
  }

  @Test
  void definition_scheduledWithRequiredInput_rejected() {
    JobInputSchema needsFrom = JobInputSchema.builder()
        .required("from", JobInputSchema.PropertyType.INSTANT).build();
    assertThatThrownBy(() -> new JobDefinition("a.b", "d", needsFrom,
        JobPolicy.of(1, Duration.ofSeconds(1)).withSchedule(JobSchedule.every(
            Duration.ofMinutes(1))), NOOP)).hasMessageContaining("must run without input");
  }

  @Test
  void run_statusAndTimestamps_mustAgree() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> new JobRun(id, "a.b", "US", JobStatus.RUNNING, JobTrigger.MANUAL, 1,
        t, null, t, null, null, null, null, "w")).hasMessageContaining("startedAt");
    assertThatThrownBy(() -> new JobRun(id, "a.b", "US", JobStatus.FAILED, JobTrigger.MANUAL, 1,
        t, null, t, t, null, null, "x", "w")).hasMessageContaining("finishedAt");
    assertThatThrownBy(() -> new JobRun(id, "a.b", "US", JobStatus.FAILED, JobTrigger.MANUAL, 1,
        t, null, t, t, t, JsonNodeFactory.instance.objectNode(), "x", "w"))
        .hasMessageContaining("result");
    JobRun r = new JobRun(id, "a.b", "US", JobStatus.FAILED, JobTrigger.RETRY, 2, t, null, t, t,
        t, null, "e".repeat(5000), "w");
    assertThat(r.error()).hasSize(JobRun.MAX_ERROR + 1);
    assertThat(r.input().isEmpty()).isTrue();
  }

  @Test
  void context_copiesInput() {
    var in = JsonNodeFactory.instance.objectNode().put("k", "v");
    JobContext c = new JobContext(UUID.randomUUID(), "a.b", in, Instant.EPOCH, JobTrigger.MANUAL,
        1, Clock.systemUTC(), "US");
    in.put("k", "changed");
    assertThat(c.param("k").asText()).isEqualTo("v");
    assertThatThrownBy(() -> new JobContext(UUID.randomUUID(), "a.b", null, Instant.EPOCH,
        JobTrigger.MANUAL, 0, Clock.systemUTC(), "US")).hasMessageContaining("attempt");
  }
}
