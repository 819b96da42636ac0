package io.hyrelog.compliance.export;

final class Keys {
  private Keys() {}

  /** A key with a known id must match the file's key id. */
  static void checkId(ExportKey key, String fileKeyId) {
    if (key.keyId().isPresent() && !key.keyId().get().equals(fileKeyId)) {
      throw new ExportDecryptionException("the file was encrypted with key id " + fileKeyId
          + " but the given key has id " + key.keyId().get());
    }
  }
}
