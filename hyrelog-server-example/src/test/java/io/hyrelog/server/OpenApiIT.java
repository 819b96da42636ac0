package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document describes exactly the routes the server registers. */
class OpenApiIT {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete",
      "head", "options");
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void openApi_paths_matchRegisteredRoutes() {
    TestHttp.Response r = server.http().get("/openapi.json");
    assertThat(r.status()).isEqualTo(200);
    JsonNode doc = r.json();
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    Set<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      for (Iterator<String> m = p.getValue().fieldNames(); m.hasNext(); ) {
        String method = m.next();
        if (METHODS.contains(method)) {
          documented.add(method.toUpperCase(Locale.ROOT) + " " + p.getKey());
        }
      }
    }
    assertThat(documented).isEqualTo(server.server().routes());
  }

  @Test
  void openApi_references_allResolve() {
    JsonNode doc = server.http().get("/openapi.json").json();
    Set<String> refs = new TreeSet<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }

  @Test
  void openApi_pathParameters_areDeclared() {
    JsonNode doc = server.http().get("/openapi.json").json();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}")
          .matcher(p.getKey());
      while (m.find()) {
        String name = m.group(1);
        for (JsonNode op : p.getValue()) {
          boolean declared = false;
          for (JsonNode param : op.path("parameters")) {
            declared |= param.path("in").asText().equals("path")
                && param.path("name").asText().equals(name);
          }
          assertThat(declared).as(p.getKey() + " declares " + name).isTrue();
        }
      }
    }
  }

  private static void collectRefs(JsonNode n, Set<String> out) {
    if (n.isObject()) {
      JsonNode ref = n.get("$ref");
      if (ref != null) {
        out.add(ref.asText());
      }
      n.forEach(c -> collectRefs(c, out));
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, out));
    }
  }
}
