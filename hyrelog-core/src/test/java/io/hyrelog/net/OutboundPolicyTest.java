package io.hyrelog.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundPolicyTest {
  private final List<String> lookups = new ArrayList<>();

  /** A resolver playing fixed DNS answers; real DNS cannot be controlled in a test. */
  private OutboundPolicy policy(boolean allowPrivate, Map<String, List<String>> answers) {
    return OutboundPolicy.builder().allowPrivateNetworks(allowPrivate).hostLookup(host -> {
      lookups.add(host);
      List<String> found = answers.get(host);
      if (found == null) {
        throw new UnknownHostException(host);
      }
      List<InetAddress> out = new ArrayList<>();
      for (String a : found) {
        out.add(InetAddress.getByName(a)); // literals only: no real lookup
      }
      return out;
    }).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:3001/hook", "http://127.0.0.1:8080/",
      "http://receiver:3001/", "https://[::1]/", "http://10.0.0.5/", "http://192.168.1.20/",
      "https://api.localhost/", "http://printer.local/", "http://[fd12::1]/",
      "http://100.64.1.1/", "http://[::ffff:10.1.2.3]/"})
  void checkUrl_privateNetworksAllowed_acceptsHttpLoopbackPrivateAndLocalNames(String url) {
    assertThat(policy(true, Map.of()).checkUrl(url)).isNotNull();
    assertThatThrownBy(() -> OutboundPolicy.strict().checkUrl(url))
        .isInstanceOf(OutboundRefusedException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/", "http://[fe80::1]/", "http://0.0.0.0:8080/",
      "http://224.0.0.1/", "http://255.255.255.255/", "http://0x7f.1/", "http://2130706433/",
      "ftp://localhost/", "http://user:pw@localhost/", "http://198.18.0.1/",
      "http://192.0.2.1/", "http://[2001:db8::1]/"})
  void checkUrl_privateNetworksAllowed_stillRefusesMetadataSpecialRangesAndOddSpellings(
      String url) {
    assertThatThrownBy(() -> policy(true, Map.of()).checkUrl(url))
        .isInstanceOf(OutboundRefusedException.class);
  }

  @Test
  void checkUrl_tooLong_refusedWithoutParsing() {
    String url = "https://hooks.example.com/" + "a".repeat(OutboundPolicy.MAX_URL_LENGTH);
    assertThatThrownBy(() -> OutboundPolicy.strict().checkUrl(url))
        .isInstanceOfSatisfying(OutboundRefusedException.class, e -> {
          assertThat(e.refusal()).isEqualTo(OutboundRefusal.URL_TOO_LONG);
          assertThat(e.getMessage()).contains("2074").hasSizeLessThan(200);
        });
    assertThatThrownBy(() -> OutboundPolicy.strict().checkUrl(URI.create(url)))
        .isInstanceOfSatisfying(OutboundRefusedException.class,
            e -> assertThat(e.refusal()).isEqualTo(OutboundRefusal.URL_TOO_LONG));
  }

  @Test
  void checkUrl_credentials_messageNeverCarriesThem() {
    assertThatThrownBy(() -> OutboundPolicy.strict()
        .checkUrl("https://admin:hunter2@hooks.example.com/"))
        .isInstanceOfSatisfying(OutboundRefusedException.class, e -> {
          assertThat(e.refusal()).isEqualTo(OutboundRefusal.CREDENTIALS_IN_URL);
          assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("admin");
        });
  }

  @Test
  void checkUrl_neverResolves() {
    OutboundPolicy p = policy(false, Map.of());
    p.checkUrl("https://hooks.example.com/");
    assertThat(lookups).isEmpty();
  }

  @Test
  void resolve_allAddressesPublic_returnsThemInResolverOrder() throws Exception {
    OutboundPolicy p = policy(false,
        Map.of("hooks.example.com", List.of("93.184.216.34", "2606:2800:220:1::1")));
    assertThat(p.resolve("hooks.example.com")).containsExactly(
        InetAddress.getByName("93.184.216.34"), InetAddress.getByName("2606:2800:220:1::1"));
  }

  @Test
  void resolve_oneAddressOfManyRefused_refusesTheWholeHost() {
    OutboundPolicy p = policy(false,
        Map.of("rebind.example.com", List.of("93.184.216.34", "10.0.0.1", "8.8.8.8")));
    assertThatThrownBy(() -> p.resolve("rebind.example.com"))
        .isInstanceOfSatisfying(OutboundRefusedException.class, e -> {
          assertThat(e.refusal()).isEqualTo(OutboundRefusal.ADDRESS_NOT_ALLOWED);
          assertThat(e.getMessage()).contains("1 refused of 3").contains("10.0.0.1")
              .contains("10.0.0.0/8");
        });
  }

  @Test
  void resolve_privateAddressWithPrivateNetworksAllowed_returned() throws Exception {
    OutboundPolicy p = policy(true, Map.of("receiver", List.of("172.18.0.3")));
    assertThat(p.resolve("receiver")).containsExactly(InetAddress.getByName("172.18.0.3"));
  }

  @Test
  void resolve_unknownOrEmpty_unresolvableHost() {
    OutboundPolicy p = policy(false, Map.of("empty.example.com", List.of()));
    for (String host : List.of("nx.example.com", "empty.example.com")) {
      assertThatThrownBy(() -> p.resolve(host))
          .isInstanceOfSatisfying(OutboundRefusedException.class,
              e -> assertThat(e.refusal()).isEqualTo(OutboundRefusal.UNRESOLVABLE_HOST));
    }
  }

  @Test
  void resolve_localNameOrOddSpelling_refusedBeforeAnyLookup() {
    OutboundPolicy p = policy(false, Map.of("localhost", List.of("93.184.216.34")));
    for (String host : List.of("localhost", "db.internal", "2130706433", "0x7f.1", "127.1")) {
      assertThatThrownBy(() -> p.resolve(host))
          .isInstanceOfSatisfying(OutboundRefusedException.class,
              e -> assertThat(e.refusal()).isEqualTo(OutboundRefusal.HOST_NOT_ALLOWED));
    }
    assertThat(lookups).isEmpty();
  }

  @Test
  void resolve_addressLiterals_checkedWithoutLookup() throws Exception {
    OutboundPolicy p = policy(false, Map.of());
    assertThat(p.resolve("8.8.8.8")).containsExactly(InetAddress.getByName("8.8.8.8"));
    assertThat(p.resolve("2606:4700::1111")).containsExactly(
        InetAddress.getByName("2606:4700::1111"));
    assertThat(p.resolve("[2606:4700::1111]")).hasSize(1);
    for (String host : List.of("127.0.0.1", "::1", "[::ffff:169.254.169.254]", "10.1.1.1")) {
      assertThatThrownBy(() -> p.resolve(host))
          .isInstanceOfSatisfying(OutboundRefusedException.class,
              e -> assertThat(e.refusal()).isEqualTo(OutboundRefusal.ADDRESS_NOT_ALLOWED));
    }
    assertThat(lookups).isEmpty();
  }

  @Test
  void checkAddress_mappedIpv6NotUnwrappedByJdk_judgedByEmbeddedIpv4() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 169;
    mapped[13] = (byte) 254;
    mapped[14] = (byte) 169;
    mapped[15] = (byte) 254;
    InetAddress a = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(a).isInstanceOf(Inet6Address.class);
    assertThatThrownBy(() -> OutboundPolicy.strict().checkAddress(a))
        .hasMessageContaining("169.254.169.254").hasMessageContaining("IPv4-mapped");
    mapped[12] = 8;
    mapped[13] = 8;
    mapped[14] = 8;
    mapped[15] = 8;
    OutboundPolicy.strict().checkAddress(Inet6Address.getByAddress(null, mapped, -1));
  }

  @Test
  void checkAddress_privateRange_messageSaysTheFlagWouldAllowIt() {
    assertThatThrownBy(() -> OutboundPolicy.strict()
        .checkAddress(InetAddress.getLoopbackAddress()))
        .hasMessageContaining("127.0.0.0/8 loopback")
        .hasMessageContaining("private networks allowed");
  }

  @Test
  void builder_nullLookup_rejectedNamingTheParameter() {
    assertThatThrownBy(() -> OutboundPolicy.builder().hostLookup(null))
        .isInstanceOf(NullPointerException.class).hasMessage("hostLookup");
  }
}
