package io.hyrelog.compliance.witness;

import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.SignatureFailure;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The public half of a witness's Ed25519 cosigning key: verifies C2SP {@code tlog-cosignature}
 * v1 cosignatures.
 *
 * <p>The signed message is {@code "cosignature/v1\n"}, then {@code "time <seconds>\n"}, then the
 * whole checkpoint body (its note text, extension lines included, without signature lines). The
 * key id is the first four bytes (big-endian) of {@code SHA-256(name || 0x0A || 0x04 || public
 * key)}; the verifier key string is {@code <name>+<8 hex key id>+<base64(0x04 || public key)>}.
 *
 * <p>Immutable and thread-safe. Equality is by name and public key.
 */
public final class CosignatureVerifier {
  static final byte COSIGNATURE_TYPE = 0x04;
  private static final int KEY_LENGTH = 32;
  private static final String HEADER = "cosignature/v1\n";

  private final NoteVerifier ed25519;
  private final int keyId;

  private CosignatureVerifier(NoteVerifier ed25519) {
    this.ed25519 = ed25519;
    this.keyId = keyId(ed25519.name(), ed25519.rawPublicKey());
  }

  /**
   * The verifier of the Ed25519 key {@code rawPublicKey32} under {@code name}.
   *
   * @param name the cosigner's key name
   * @param rawPublicKey32 the 32-byte public key
   * @return the verifier
   * @throws IllegalArgumentException when the name is not a valid key name or the key is not a
   *     usable Ed25519 public key (wrong length, non-canonical or small-order point)
   */
  public static CosignatureVerifier of(String name, byte[] rawPublicKey32) {
    return new CosignatureVerifier(NoteVerifier.of(name, rawPublicKey32));
  }

  /**
   * Parses a verifier key {@code <name>+<key id>+<base64(0x04 || 32-byte key)>}; the key id must
   * be the one computed from the name and key.
   *
   * @param verifierKey the verifier key string
   * @return the verifier
   * @throws HyrelogException when the string is not a well-formed cosignature verifier key; the
   *     message never repeats the key
   */
  public static CosignatureVerifier parse(String verifierKey) {
    Objects.requireNonNull(verifierKey, "verifierKey");
    int first = verifierKey.indexOf('+');
    int second = first < 0 ? -1 : verifierKey.indexOf('+', first + 1);
    if (second < 0) {
      throw new HyrelogException("a cosignature verifier key has the form <name>+<key id>+<key>");
    }
    String[] parts = {verifierKey.substring(0, first), verifierKey.substring(first + 1, second),
        verifierKey.substring(second + 1)};
    byte[] typed;
    try {
      typed = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new HyrelogException("cosignature verifier key data is not base64");
    }
    if (typed.length != 1 + KEY_LENGTH || typed[0] != COSIGNATURE_TYPE
        || !Base64.getEncoder().encodeToString(typed).equals(parts[2])) {
      throw new HyrelogException("a cosignature verifier key holds 0x04 and a 32-byte Ed25519"
          + " key in canonical base64");
    }
    CosignatureVerifier v;
    try {
      v = of(parts[0], Arrays.copyOfRange(typed, 1, typed.length));
    } catch (IllegalArgumentException e) {
      throw new HyrelogException("cosignature verifier key is not usable: " + e.getMessage(), e);
    }
    if (!String.format("%08x", v.keyId).equals(parts[1])) {
      throw new HyrelogException("cosignature verifier key id " + printable(parts[1])
          + " does not match the id computed from its name and key");
    }
    return v;
  }

  /**
   * The verifier key string, {@code <name>+<8 hex key id>+<base64(0x04 || key)>}.
   *
   * @return the verifier key string
   */
  public String verifierKey() {
    byte[] typed = new byte[1 + KEY_LENGTH];
    typed[0] = COSIGNATURE_TYPE;
    System.arraycopy(ed25519.rawPublicKey(), 0, typed, 1, KEY_LENGTH);
    return name() + "+" + String.format("%08x", keyId) + "+"
        + Base64.getEncoder().encodeToString(typed);
  }

  /**
   * The cosigner's key name.
   *
   * @return the name
   */
  public String name() {
    return ed25519.name();
  }

  /**
   * The key id of cosignatures by this key.
   *
   * @return the key id
   */
  public int keyId() {
    return keyId;
  }

  /**
   * A copy of the 32-byte Ed25519 public key.
   *
   * @return a new array
   */
  public byte[] rawPublicKey() {
    return ed25519.rawPublicKey();
  }

  /**
   * Whether {@code c} is this key's valid cosignature of the checkpoint whose note text is
   * {@code checkpointBody}. False, never an exception, for another key's cosignature or bytes
   * that do not verify.
   *
   * @param checkpointBody the checkpoint's note text
   * @param c the cosignature
   * @return true when it verifies
   */
  public boolean verify(String checkpointBody, Cosignature c) {
    Objects.requireNonNull(checkpointBody, "checkpointBody");
    Objects.requireNonNull(c, "c");
    if (c.keyId() != keyId || !c.keyName().equals(name())) {
      return false;
    }
    // NoteVerifier checks a pure Ed25519 signature over a text; the key id it compares is its own
    // (type 0x01), so the signature is presented under that id.
    return ed25519.verify(message(checkpointBody, c.timestamp()),
        new NoteSignature(name(), ed25519.keyId(), c.signature()));
  }

  /**
   * This cosigner's cosignature on {@code note}, verified. Signature lines of other keys are
   * ignored, as signed notes require.
   *
   * @param note the cosigned note
   * @return empty when the note has no line with this key's name and key id
   * @throws InvalidSignatureException when such a line is not a valid cosignature of the note's
   *     text
   */
  public Optional<Cosignature> find(SignedNote note) {
    Objects.requireNonNull(note, "note");
    Cosignature found = null;
    for (NoteSignature s : note.signatures()) {
      if (s.keyId() != keyId || !s.keyName().equals(name())) {
        continue;
      }
      Cosignature c;
      try {
        c = Cosignature.from(s);
      } catch (IllegalArgumentException e) {
        throw new InvalidSignatureException(SignatureFailure.MALFORMED_NOTE,
            "cosignature from " + label() + " is malformed: "
            + e.getMessage());
      }
      if (!verify(note.text(), c)) {
        throw new InvalidSignatureException(SignatureFailure.SIGNATURE_INVALID,
            "cosignature from " + label() + " does not verify");
      }
      found = c;
    }
    return Optional.ofNullable(found);
  }

  /**
   * The valid cosignatures on {@code note} of the {@code trusted} cosigners, in their order;
   * lines of other keys are ignored.
   *
   * @param note the cosigned note
   * @param trusted the trusted cosigners
   * @return the valid cosignatures
   * @throws InvalidSignatureException when a line of a trusted cosigner does not verify
   */
  public static List<Cosignature> findAll(SignedNote note, Collection<CosignatureVerifier> trusted) {
    return trusted.stream().map(v -> v.find(note)).flatMap(Optional::stream).toList();
  }

  /** The message a v1 cosignature signs. */
  static String message(String checkpointBody, long timestamp) {
    return HEADER + "time " + timestamp + "\n" + checkpointBody;
  }

  static int keyId(String name, byte[] rawKey) {
    MessageDigest md = Digest.newSha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(COSIGNATURE_TYPE);
    md.update(rawKey);
    return ByteBuffer.wrap(md.digest()).getInt();
  }

  String label() {
    return name() + "+" + String.format("%08x", keyId);
  }

  private static String printable(String s) {
    return s.length() == 8 && s.chars().allMatch(c -> HexFormat.isHexDigit(c)) ? s : "<invalid>";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CosignatureVerifier v && ed25519.equals(v.ed25519);
  }

  @Override
  public int hashCode() {
    return ed25519.hashCode() * 31 + COSIGNATURE_TYPE;
  }

  @Override
  public String toString() {
    return "CosignatureVerifier[" + label() + "]";
  }
}
