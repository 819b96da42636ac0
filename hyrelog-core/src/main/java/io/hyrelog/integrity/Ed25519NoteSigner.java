package io.hyrelog.integrity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Signs C2SP signed notes with an Ed25519 key (signature type {@code 0x01}) using the JDK's own
 * Ed25519. Signatures are deterministic (RFC 8032), so the same seed, name and text always give the
 * same note.
 *
 * <p>Thread-safe: every signature uses its own {@link Signature} instance. Neither {@link
 * #toString()} nor any exception message contains key material.
 */
public final class Ed25519NoteSigner implements io.hyrelog.integrity.NoteSigner {
  private static final int SEED_LENGTH = 32;

  // DER PrivateKeyInfo header for an Ed25519 key (RFC 8410); the 32-byte seed follows.
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");
  // DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410); the raw key follows.
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final byte[] SELF_CHECK =
      "hyrelog key self-check\n".getBytes(StandardCharsets.UTF_8);

  private final String name;
  private final PrivateKey privateKey;
  private final NoteVerifier verifier;

  private Ed25519NoteSigner(String name, PrivateKey privateKey, NoteVerifier verifier) {
    this.name = name;
    this.privateKey = privateKey;
    this.verifier = verifier;
  }

  /**
   * A signer for the Ed25519 private key whose 32-byte RFC 8032 seed is {@code seed32} (what Go
   * calls {@code ed25519.PrivateKey.Seed()}, and what follows the {@code 0x01} type byte in a Go
   * {@code PRIVATE+KEY+...} signer key). The caller's array is not retained.
   *
   * @param name the key name
   * @param seed32 the 32-byte seed
   * @return the signer
   * @throws IllegalArgumentException when the name is not a valid key name or the seed is not 32
   *     bytes
   */
  public static Ed25519NoteSigner fromSeed(String name, byte[] seed32) {
    Objects.requireNonNull(seed32, "seed32");
    requireValidName(name);
    if (seed32.length != SEED_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, got " + seed32.length);
    }
    byte[] pkcs8 = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + SEED_LENGTH);
    System.arraycopy(seed32, 0, pkcs8, PKCS8_PREFIX.length, SEED_LENGTH);
    try {
      PrivateKey privateKey =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      PublicKey publicKey = derivePublicKey(seed32);
      return create(name, privateKey, publicKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's Ed25519 rejected a 32-byte seed", e);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /**
   * A signer for a fresh key pair drawn from {@code random}. Hand {@link #verifier()}'s {@link
   * NoteVerifier#verifierKey()} to whoever verifies.
   *
   * @param name the key name
   * @param random the randomness for the key
   * @return the signer
   * @throws IllegalArgumentException when the name is not a valid key name
   */
  public static Ed25519NoteSigner generate(String name, SecureRandom random) {
    Objects.requireNonNull(random, "random");
    requireValidName(name);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, random);
      KeyPair pair = generator.generateKeyPair();
      return create(name, pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is required on every Java 15+ platform", e);
    }
  }

  /** The key name written on signature lines. */
  @Override
  public String name() {
    return name;
  }

  /** The verifier for this signer's public key. */
  @Override
  public NoteVerifier verifier() {
    return verifier;
  }

  /**
   * Signs the UTF-8 bytes of {@code text}.
   *
   * @throws IllegalArgumentException when {@code text} is not valid note text (it must end in a
   *     newline and contain no control character other than newline and no lone surrogate)
   */
  @Override
  public NoteSignature sign(String text) {
    SignedNote.requireValidText(text);
    return new NoteSignature(
        name, verifier.keyId(), rawSign(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * {@code text} signed by this key alone.
   *
   * @param text the note text
   * @return the signed note
   * @throws IllegalArgumentException when {@code text} is not valid note text
   */
  public SignedNote signNote(String text) {
    return new SignedNote(text, List.of(sign(text)));
  }

  private byte[] rawSign(byte[] message) {
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(privateKey);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  private static Ed25519NoteSigner create(String name, PrivateKey privateKey, PublicKey publicKey) {
    byte[] spki = publicKey.getEncoded();
    if (spki.length != SPKI_PREFIX.length + NoteVerifier.KEY_LENGTH
        || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalStateException("unexpected encoding of a JDK Ed25519 public key");
    }
    NoteVerifier verifier =
        NoteVerifier.of(name, Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length));
    Ed25519NoteSigner signer = new Ed25519NoteSigner(name, privateKey, verifier);
    // Guards the public-key derivation below: a mismatched pair would sign unverifiable notes.
    NoteSignature probe = new NoteSignature(name, verifier.keyId(), signer.rawSign(SELF_CHECK));
    if (!verifier.verifyBytes(SELF_CHECK, probe)) {
      throw new IllegalStateException("derived Ed25519 public key does not match the private key");
    }
    return signer;
  }

  /**
   * The public key for a seed. The JDK (17) cannot derive a public key from a private key, but its
   * Ed25519 key pair generator takes the seed as the first 32 bytes it draws from the supplied
   * random source, so a source that yields exactly the seed derives it.
   */
  private static PublicKey derivePublicKey(byte[] seed) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
    generator.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
    return generator.generateKeyPair().getPublic();
  }

  private static void requireValidName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NoteSignature.isValidKeyName(name)) {
      throw new IllegalArgumentException(
          "a key name must be non-empty and contain neither Unicode spaces nor '+'");
    }
  }

  @Override
  public String toString() {
    return "Ed25519NoteSigner[" + NoteSignature.label(name, verifier.keyId()) + "]";
  }

  /** Yields one fixed 32-byte block, once; anything else is refused. */
  private static final class SeedSource extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private transient byte[] seed;

    SeedSource(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
      if (seed == null || bytes.length != seed.length) {
        throw new IllegalStateException("seed source asked for unexpected random bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
      seed = null;
    }
  }
}
