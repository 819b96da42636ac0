package io.hyrelog.integrity;

import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * The public half of an Ed25519 signed-note key (signature type {@code 0x01}): verifies note
 * signatures made by {@link Ed25519NoteSigner}, Go's {@code golang.org/x/mod/sumdb/note} or any
 * other C2SP signed-note implementation.
 *
 * <p>The key id is the first four bytes (big-endian) of {@code SHA-256(name || 0x0A || 0x01 ||
 * public key)}. The verifier key string is {@code <name>+<8 hex key id>+<base64(0x01 || public
 * key)>}.
 *
 * <p>Immutable and thread-safe. Equality is by name and public key.
 */
public final class NoteVerifier {
  static final byte ED25519_TYPE = 0x01;
  static final int KEY_LENGTH = 32;
  private static final int SIGNATURE_LENGTH = 64;

  // DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410); the raw key follows.
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private static final BigInteger FIELD_PRIME =
      BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  // y-coordinates of the Ed25519 points of order 1, 4, 2 and 8 (libsodium's blocklist). Anyone can
  // forge signatures for such a key that the JDK's verifier accepts, e.g. an all-zero key.
  private static final Set<BigInteger> SMALL_ORDER_Y =
      Set.of(
          BigInteger.ONE,
          BigInteger.ZERO,
          FIELD_PRIME.subtract(BigInteger.ONE),
          new BigInteger("05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826", 16),
          new BigInteger("7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7", 16));

  private final String name;
  private final int keyId;
  private final byte[] rawKey;
  private final PublicKey publicKey;

  private NoteVerifier(String name, byte[] rawKey) {
    this.name = name;
    this.rawKey = rawKey;
    this.keyId = keyId(name, rawKey);
    this.publicKey = toPublicKey(rawKey);
  }

  /**
   * A verifier for the Ed25519 key {@code rawPublicKey32} (the 32-byte RFC 8032 encoding) under
   * {@code name}.
   *
   * @param name the key name
   * @param rawPublicKey32 the 32-byte public key
   * @return the verifier
   * @throws IllegalArgumentException when the name is not a valid key name (empty, or containing a
   *     Unicode space or {@code +}), the key is not 32 bytes, or it encodes a non-canonical or
   *     small-order point (such as all zeros), for which signatures can be forged
   */
  public static NoteVerifier of(String name, byte[] rawPublicKey32) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rawPublicKey32, "rawPublicKey32");
    if (!NoteSignature.isValidKeyName(name)) {
      throw new IllegalArgumentException(
          "a key name must be non-empty and contain neither Unicode spaces nor '+'");
    }
    if (rawPublicKey32.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          "an Ed25519 public key has 32 bytes, got " + rawPublicKey32.length);
    }
    return new NoteVerifier(name, rawPublicKey32.clone());
  }

  /**
   * Parses a verifier key {@code <name>+<key id>+<base64(0x01 || 32-byte key)>}. The key id must be
   * eight lowercase hex digits equal to the id computed from the name and key, the base64 must be
   * canonical and padded, and the key must not be a non-canonical or small-order point.
   *
   * @param verifierKey the verifier key string
   * @return the verifier
   * @throws HyrelogException when the string is not a well-formed Ed25519 verifier key; the message
   *     never repeats the key
   */
  public static NoteVerifier parse(String verifierKey) {
    Objects.requireNonNull(verifierKey, "verifierKey");
    int firstPlus = verifierKey.indexOf('+');
    int secondPlus = firstPlus < 0 ? -1 : verifierKey.indexOf('+', firstPlus + 1);
    if (secondPlus < 0) {
      throw new HyrelogException("a verifier key has the form <name>+<key id>+<key>");
    }
    String name = verifierKey.substring(0, firstPlus);
    String idHex = verifierKey.substring(firstPlus + 1, secondPlus);
    String keyBase64 = verifierKey.substring(secondPlus + 1);
    if (!NoteSignature.isValidKeyName(name)) {
      throw new HyrelogException(
          "verifier key name must be non-empty and contain neither Unicode spaces nor '+'");
    }
    if (idHex.length() != 8 || !isLowerHex(idHex)) {
      throw new HyrelogException("verifier key id must be 8 lowercase hex digits");
    }
    byte[] typedKey = SignedNote.decodeCanonicalBase64(keyBase64);
    if (typedKey == null || typedKey.length == 0) {
      throw new HyrelogException("verifier key data is not canonical standard base64");
    }
    if (typedKey[0] != ED25519_TYPE) {
      throw new HyrelogException(
          "verifier key has signature type "
              + String.format("0x%02x", typedKey[0])
              + "; only Ed25519 (0x01) is supported");
    }
    if (typedKey.length != 1 + KEY_LENGTH) {
      throw new HyrelogException(
          "Ed25519 verifier key has " + (typedKey.length - 1) + " key bytes, expected 32");
    }
    NoteVerifier v;
    try {
      v = new NoteVerifier(name, Arrays.copyOfRange(typedKey, 1, typedKey.length));
    } catch (IllegalArgumentException e) {
      throw new HyrelogException("verifier key is not a usable Ed25519 public key", e);
    }
    if (v.keyId != HexFormat.fromHexDigits(idHex)) {
      throw new HyrelogException(
          "verifier key id " + idHex + " does not match the id computed from its name and key");
    }
    return v;
  }

  /**
   * The verifier key string, {@code <name>+<8 hex key id>+<base64(0x01 || key)>}.
   *
   * @return the verifier key string
   */
  public String verifierKey() {
    byte[] typed = new byte[1 + KEY_LENGTH];
    typed[0] = ED25519_TYPE;
    System.arraycopy(rawKey, 0, typed, 1, KEY_LENGTH);
    return NoteSignature.label(name, keyId) + "+" + Base64.getEncoder().encodeToString(typed);
  }

  /**
   * The key name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The 32-bit key id; compare as unsigned, render with {@code %08x}.
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
    return rawKey.clone();
  }

  /**
   * Whether {@code sig} is a valid signature of {@code text} (its UTF-8 bytes) by this key. False,
   * never an exception, when the signature's key name or key id is not this key's or the bytes are
   * not a valid Ed25519 signature.
   *
   * @param text the note text
   * @param sig the signature
   * @return true when it verifies
   */
  public boolean verify(String text, NoteSignature sig) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sig, "sig");
    return verifyBytes(text.getBytes(StandardCharsets.UTF_8), sig);
  }

  boolean verifyBytes(byte[] message, NoteSignature sig) {
    if (sig.keyId() != keyId || !sig.keyName().equals(name)) {
      return false;
    }
    byte[] signature = sig.signature();
    if (signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // The JDK reports undecodable points or scalars as exceptions; they are just bad signatures.
      return false;
    }
  }

  static int keyId(String name, byte[] rawKey) {
    MessageDigest md = Digest.newSha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(ED25519_TYPE);
    md.update(rawKey);
    return ByteBuffer.wrap(md.digest()).getInt();
  }

  private static PublicKey toPublicKey(byte[] rawKey) {
    if (isWeak(rawKey)) {
      throw new IllegalArgumentException(
          "not a usable Ed25519 public key (non-canonical or small-order point)");
    }
    byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_LENGTH);
    System.arraycopy(rawKey, 0, spki, SPKI_PREFIX.length, KEY_LENGTH);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Ed25519 is required on every Java 15+ platform", e);
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException("not a usable Ed25519 public key", e);
    }
  }

  /** Whether the encoded y-coordinate is not below the field prime or is of a small-order point. */
  private static boolean isWeak(byte[] rawKey) {
    byte[] bigEndian = new byte[KEY_LENGTH];
    for (int i = 0; i < KEY_LENGTH; i++) {
      bigEndian[i] = rawKey[KEY_LENGTH - 1 - i];
    }
    bigEndian[0] &= 0x7f; // the top bit is the sign of x, not part of y
    BigInteger y = new BigInteger(1, bigEndian);
    return y.compareTo(FIELD_PRIME) >= 0 || SMALL_ORDER_Y.contains(y);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifier v && name.equals(v.name) && Arrays.equals(rawKey, v.rawKey);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(rawKey);
  }

  @Override
  public String toString() {
    return "NoteVerifier[" + NoteSignature.label(name, keyId) + "]";
  }
}
