package vn.edocaxis.store;

/**
 * What is stored about a package's XML signature and shown to its recipients.
 *
 * @param status    {@code absent}, {@code valid}, {@code invalid} or {@code not-checked}
 * @param reason    for {@code invalid}, a stable reason code; null otherwise
 * @param subject   signer certificate subject, when one could be read
 * @param serial    signer certificate serial (hex)
 * @param algorithm signature method URI
 */
public record SignatureRecord(String status, String reason, String subject, String serial, String algorithm) {

    public static final SignatureRecord ABSENT = new SignatureRecord("absent", null, null, null, null);
}
