package io.hyrelog.compliance;

import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.NoteVerifier;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Ed25519 keys in PEM files, the format OpenSSL writes ({@code openssl genpkey -algorithm
 * ed25519}): the private key as unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, RFC
 * 8410), the public key as SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}). Parsing
 * uses BouncyCastle's PEM reader; signing uses the JDK's Ed25519.
 *
 * <p>Errors name the file and what to do, never the key bytes. Private key files are created
 * with mode 0600 (where the file system has POSIX permissions) and never overwritten.
 * Stateless and thread-safe.
 */
public final class Ed25519Keys {
  static final int SEED_LENGTH = 32;
  private static final int PUBLIC_KEY_LENGTH = 32;
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";
  private static final Map<String, String> KNOWN_ALGORITHMS = Map.of(
      "1.2.840.113549.1.1.1", "RSA",
      "1.2.840.10045.2.1", "EC",
      "1.3.101.110", "X25519",
      "1.3.101.111", "X448",
      "1.3.101.113", "Ed448",
      "1.2.840.10040.4.1", "DSA");

  private Ed25519Keys() {}

  /**
   * A signer for the private key in {@code file}, signing under key name {@code name}.
   *
   * @param name the key name
   * @param file the PEM file
   * @return the signer
   * @throws InvalidKeyFileException when the file is missing or unreadable, or does not hold
   *     exactly one unencrypted PKCS#8 Ed25519 private key
   * @throws IllegalArgumentException when {@code name} is not a valid key name
   */
  public static PemNoteSigner readSigner(String name, Path file) {
    return parseSigner(name, read(file), file.toString(), file);
  }

  /**
   * A signer for a private key PEM text; {@code source} names it in error messages.
   *
   * @param name the key name
   * @param pem the PEM text
   * @param source what to call the PEM in messages (never its content)
   * @return the signer
   * @throws InvalidKeyFileException as {@link #readSigner}
   */
  public static PemNoteSigner parseSigner(String name, String pem, String source) {
    return parseSigner(name, pem, source, null);
  }

  private static PemNoteSigner parseSigner(String name, String pem, String source, Path file) {
    Objects.requireNonNull(name, "name");
    byte[] seed = privateSeed(pem, source);
    try {
      Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed(name, seed);
      return new PemNoteSigner(signer, file);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * The verifier for the public key in {@code file} under key name {@code name}.
   *
   * @param name the key name
   * @param file the PEM file
   * @return the verifier
   * @throws InvalidKeyFileException when the file is missing or unreadable, holds a private key,
   *     or does not hold exactly one Ed25519 SubjectPublicKeyInfo
   */
  public static NoteVerifier readVerifier(String name, Path file) {
    return parseVerifier(name, read(file), file.toString());
  }

  /**
   * The verifier for a public key PEM text; {@code source} names it in error messages.
   *
   * @param name the key name
   * @param pem the PEM text
   * @param source what to call the PEM in messages
   * @return the verifier
   * @throws InvalidKeyFileException as {@link #readVerifier}
   */
  public static NoteVerifier parseVerifier(String name, String pem, String source) {
    Objects.requireNonNull(name, "name");
    Object o = single(pem, source);
    if (o instanceof SubjectPublicKeyInfo spki) {
      requireEd25519(spki.getAlgorithm(), source, "public");
      byte[] raw = spki.getPublicKeyData().getOctets();
      if (raw.length != PUBLIC_KEY_LENGTH) {
        throw new InvalidKeyFileException(source + ": the Ed25519 public key has " + raw.length
            + " bytes, expected 32");
      }
      try {
        return NoteVerifier.of(name, raw);
      } catch (IllegalArgumentException e) {
        throw new InvalidKeyFileException(source + ": " + e.getMessage(), e);
      }
    }
    if (o instanceof PrivateKeyInfo || o instanceof PKCS8EncryptedPrivateKeyInfo
        || o instanceof PEMKeyPair || o instanceof PEMEncryptedKeyPair) {
      throw new InvalidKeyFileException(source + " holds a private key; pass the public key"
          + " (the .pub.pem file, or `openssl pkey -in KEY -pubout`) and keep the private key"
          + " secret");
    }
    throw new InvalidKeyFileException(source + " holds " + describe(o) + ", expected an Ed25519"
        + " public key (-----BEGIN PUBLIC KEY-----)");
  }

  /**
   * The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, SubjectPublicKeyInfo).
   *
   * @param verifier the key
   * @return the PEM text
   */
  public static String publicPem(NoteVerifier verifier) {
    SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(
        new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), verifier.rawPublicKey());
    try {
      return pem(PUBLIC, spki.getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException("cannot DER-encode a public key", e);
    }
  }

  /**
   * Creates {@code file} with a new private key drawn from {@code random} (mode 0600, created
   * atomically; an existing file is never overwritten) and returns its signer.
   *
   * @param file the new file
   * @param name the key name
   * @param random the randomness for the key
   * @return the signer
   * @throws InvalidKeyFileException when the file exists or cannot be written
   */
  public static PemNoteSigner writeNewPrivateKey(Path file, String name, SecureRandom random) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(random, "random");
    byte[] seed = new byte[SEED_LENGTH];
    random.nextBytes(seed);
    byte[] der = null;
    try {
      Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed(name, seed);
      der = new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
          new DEROctetString(seed)).getEncoded();
      String text = pem(PRIVATE, der);
      writeNew(file, text, true);
      return new PemNoteSigner(signer, file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot DER-encode a private key", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
      if (der != null) {
        Arrays.fill(der, (byte) 0);
      }
    }
  }

  /**
   * Creates {@code file} with the public key as PEM (mode 0644); an existing file is never
   * overwritten.
   *
   * @param file the new file
   * @param verifier the key
   * @throws InvalidKeyFileException when the file exists or cannot be written
   */
  public static void writePublicKey(Path file, NoteVerifier verifier) {
    writeNew(file, publicPem(verifier), false);
  }

  private static void writeNew(Path file, String text, boolean secret) {
    try {
      StagedFile.writeNew(file, text.getBytes(StandardCharsets.US_ASCII),
          secret ? FileMode.PRIVATE : FileMode.PUBLIC_READ);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidKeyFileException(file + " already exists; refusing to overwrite a key"
          + " file (move it away or choose another name or directory)", e);
    } catch (IOException e) {
      throw new InvalidKeyFileException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] privateSeed(String pem, String source) {
    Object o = single(pem, source);
    if (o instanceof PrivateKeyInfo info) {
      requireEd25519(info.getPrivateKeyAlgorithm(), source, "private");
      byte[] seed;
      try {
        seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
      } catch (IOException | IllegalArgumentException e) {
        throw new InvalidKeyFileException(source + ": the PKCS#8 Ed25519 key is malformed", e);
      }
      if (seed.length != SEED_LENGTH) {
        Arrays.fill(seed, (byte) 0);
        throw new InvalidKeyFileException(source + ": the Ed25519 private key has "
            + seed.length + " bytes, expected 32");
      }
      if (info.getPublicKeyData() != null) {
        // PKCS#8 v2 (RFC 8410 OneAsymmetricKey) may carry the public key: it must match.
        byte[] derived = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey()
            .getEncoded();
        if (!Arrays.equals(derived, info.getPublicKeyData().getOctets())) {
          Arrays.fill(seed, (byte) 0);
          throw new InvalidKeyFileException(source + ": the public key stored with the private"
              + " key does not belong to it; the file is corrupt");
        }
      }
      return seed;
    }
    if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
      throw new InvalidKeyFileException(source + " holds an encrypted private key; HyreLog reads"
          + " unencrypted PKCS#8 protected by file permissions (mode 0600). Decrypt it"
          + " (`openssl pkey -in KEY -out KEY.plain`) or keep the key in a KMS/HSM and use an"
          + " external signer");
    }
    if (o instanceof PEMKeyPair pair) {
      throw new InvalidKeyFileException(source + " holds a traditional "
          + algorithm(pair.getPrivateKeyInfo().getPrivateKeyAlgorithm().getAlgorithm())
          + " private key; expected an Ed25519 key in PKCS#8 (-----BEGIN PRIVATE KEY-----),"
          + " e.g. from `hyrelog.jar keygen` or `openssl genpkey -algorithm ed25519`");
    }
    if (o instanceof SubjectPublicKeyInfo) {
      throw new InvalidKeyFileException(source + " holds a public key; signing needs the"
          + " private key (-----BEGIN PRIVATE KEY-----, the .key.pem file)");
    }
    throw new InvalidKeyFileException(source + " holds " + describe(o) + ", expected an Ed25519"
        + " private key (-----BEGIN PRIVATE KEY-----)");
  }

  private static void requireEd25519(AlgorithmIdentifier alg, String source, String half) {
    ASN1ObjectIdentifier oid = alg.getAlgorithm();
    if (!EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      throw new InvalidKeyFileException(source + " holds a " + algorithm(oid) + " " + half
          + " key; HyreLog signs with Ed25519 (create one with `hyrelog.jar keygen` or"
          + " `openssl genpkey -algorithm ed25519`)");
    }
  }

  private static String algorithm(ASN1ObjectIdentifier oid) {
    String known = KNOWN_ALGORITHMS.get(oid.getId());
    return known != null ? known : "non-Ed25519 (algorithm " + oid.getId() + ")";
  }

  private static String describe(Object o) {
    if (o instanceof X509CertificateHolder) {
      return "a certificate";
    }
    return "an unsupported PEM object (" + o.getClass().getSimpleName() + ")";
  }

  /** The one PEM object in {@code pem}. */
  private static Object single(String pem, String source) {
    Objects.requireNonNull(pem, "pem");
    Objects.requireNonNull(source, "source");
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object first = parser.readObject();
      if (first == null) {
        throw new InvalidKeyFileException(source + " is not a PEM file (no -----BEGIN ...-----"
            + " block found)");
      }
      if (parser.readObject() != null) {
        throw new InvalidKeyFileException(source + " holds more than one PEM block; expected"
            + " exactly one key");
      }
      return first;
    } catch (InvalidKeyFileException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // BouncyCastle's messages name the PEM type or the DER problem, never key bytes.
      throw new InvalidKeyFileException(source + " is not a readable PEM key: "
          + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      long size = Files.size(file);
      if (size > 64 * 1024) {
        throw new InvalidKeyFileException(file + " has " + size + " bytes; a PEM key file has"
            + " a few hundred");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidKeyFileException(file + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidKeyFileException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String pem(String type, byte[] der) throws IOException {
    StringWriter w = new StringWriter();
    try (PemWriter pw = new PemWriter(w)) {
      pw.writeObject(new PemObject(type, der));
    }
    return w.toString();
  }
}
