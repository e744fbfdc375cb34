package org.tiphotline.registry;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CASE_DOCUMENT;
import static org.tiphotline.db.Tables.CASE_DOCUMENT_KEY;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.DataKeys;
import org.tiphotline.protection.FieldCipher;

/**
 * Documents attached to a case. Only PDF, PNG and JPEG, recognised by their first bytes (a declared type that
 * does not match what the bytes are is refused), within a size limit; stored encrypted under a key of the
 * document's own ({@link DataKeys}: erasing it under the retention rules destroys that key); listed to every
 * data manager (kind, type, size, who, when: nothing of the content), opened only by those who may work on the
 * case, each download with an audit row in the same transaction as the read.
 */
@Service
public class Documents {

    public enum Kind {
        POLICE_OR_OFFICIAL_REPORT, IDENTITY_DOCUMENT, TRAVEL_DOCUMENT, MEDICAL_REPORT, EMPLOYMENT_CONTRACT_OR_OFFER,
        PERSONAL_WRITING, OTHER
    }

    public record Document(UUID id, CaseId caseId, Kind kind, String mediaType, int sizeBytes, String uploadedBy,
            Instant uploadedAt) {}

    /** The file to hand to the one who asked, and the name to offer for it (the case and the kind, no person). */
    public record Download(Document document, byte[] content, String fileName) {}

    /** Thrown when the bytes are not a document type we keep, or not the type they were sent as. */
    public static class UnsupportedDocument extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedDocument(String message) {
            super(message);
        }
    }

    private static final Map<String, byte[]> SIGNATURES = Map.of(
            "application/pdf", "%PDF-".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
            "image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
    private static final Map<String, String> EXTENSIONS = Map.of("application/pdf", "pdf", "image/png", "png",
            "image/jpeg", "jpg");

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Registry registry;
    private final FieldCipher cipher;
    private final DataKeys dataKeys;
    private final AuditTrail audit;
    private final int maxBytes;

    public Documents(DSLContext db, TransactionTemplate tx, Clock clock, Registry registry, FieldCipher cipher,
            DataKeys dataKeys, AuditTrail audit,
            @Value("${hotline.registry.max-document-bytes:10485760}") int maxBytes) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.registry = registry;
        this.cipher = cipher;
        this.dataKeys = dataKeys;
        this.audit = audit;
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public Document attach(CaseId caseId, Kind kind, String declaredType, byte[] content, Actor actor) {
        if (kind == null) {
            throw new IllegalArgumentException("kind must be one of " + Arrays.toString(Kind.values()));
        }
        if (content == null || content.length == 0) {
            throw new IllegalArgumentException("the document is empty");
        }
        if (content.length > maxBytes) {
            throw new IllegalArgumentException("a document may be at most " + maxBytes + " bytes");
        }
        String type = declaredType == null ? "" : declaredType.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!SIGNATURES.containsKey(type)) {
            throw new UnsupportedDocument("documents must be PDF, PNG or JPEG");
        }
        if (!startsWith(content, SIGNATURES.get(type))) {
            throw new UnsupportedDocument("the file is not the " + type + " it was sent as");
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        DataKeys.DataKey key = dataKeys.generate(boundKey(id));
        tx.executeWithoutResult(status -> {
            registry.records.lockToWork(caseId, actor);
            db.insertInto(CASE_DOCUMENT)
                    .set(CASE_DOCUMENT.ID, id)
                    .set(CASE_DOCUMENT.CASE_ID, caseId.value())
                    .set(CASE_DOCUMENT.KIND, kind.name())
                    .set(CASE_DOCUMENT.MEDIA_TYPE, type)
                    .set(CASE_DOCUMENT.SIZE_BYTES, content.length)
                    .set(CASE_DOCUMENT.CONTENT_SEALED, dataKeys.seal(content, key.key(), bound(id)))
                    .set(CASE_DOCUMENT.UPLOADED_BY, actor.id().value())
                    .set(CASE_DOCUMENT.UPLOADED_AT, now.atOffset(ZoneOffset.UTC))
                    .execute();
            db.insertInto(CASE_DOCUMENT_KEY).set(CASE_DOCUMENT_KEY.DOCUMENT_ID, id)
                    .set(CASE_DOCUMENT_KEY.WRAPPED_KEY, key.wrapped()).execute();
            audit.record(actor.username(), AuditTrail.Action.CREATE, "case_document", id, List.of("content"));
            registry.records.event(caseId, "DOCUMENT", actor.id(), Map.of("document", id, "kind", kind.name(),
                    "mediaType", type, "sizeBytes", content.length));
        });
        return list(caseId, actor).stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    public List<Document> list(CaseId caseId, Actor actor) {
        Registry.requireRegistryUser(actor);
        if (!db.fetchExists(REGISTRY_CASE, REGISTRY_CASE.ID.eq(caseId.value()))) {
            throw new CaseNotFound();
        }
        return db.select(CASE_DOCUMENT.ID, CASE_DOCUMENT.KIND, CASE_DOCUMENT.MEDIA_TYPE, CASE_DOCUMENT.SIZE_BYTES,
                        APP_USER.DISPLAY_NAME, CASE_DOCUMENT.UPLOADED_AT)
                .from(CASE_DOCUMENT).join(APP_USER).on(APP_USER.ID.eq(CASE_DOCUMENT.UPLOADED_BY))
                .where(CASE_DOCUMENT.CASE_ID.eq(caseId.value())).orderBy(CASE_DOCUMENT.UPLOADED_AT)
                .fetch(r -> new Document(r.value1(), caseId, Kind.valueOf(r.value2()), r.value3(), r.value4(),
                        r.value5(), r.value6().toInstant()));
    }

    /** The file, for someone who may work on the case; the read and its audit row commit together. */
    public Download download(CaseId caseId, UUID documentId, Actor actor) {
        return tx.execute(status -> {
            RegistryCaseRecord c = registry.records.lockToWork(caseId, actor);
            var row = db.selectFrom(CASE_DOCUMENT).where(CASE_DOCUMENT.ID.eq(documentId))
                    .and(CASE_DOCUMENT.CASE_ID.eq(caseId.value())).fetchOptional()
                    .orElseThrow(() -> new CaseNotFound("this case has no such document"));
            byte[] content = content(row);
            audit.record(actor.username(), AuditTrail.Action.EXPORT, "case_document", documentId,
                    List.of("content"));
            Document d = list(caseId, actor).stream().filter(x -> x.id().equals(documentId)).findFirst()
                    .orElseThrow();
            return new Download(d, content, c.getReference() + "-" + d.kind().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-') + "-" + documentId.toString().substring(0, 8) + "."
                    + EXTENSIONS.get(d.mediaType()));
        });
    }

    /** A document stored before documents had keys of their own is under the ring's key, as it was written. */
    private byte[] content(org.tiphotline.db.tables.records.CaseDocumentRecord row) {
        if (row.getContentEnc() != null) {
            return cipher.decryptBytes(row.getContentEnc(), bound(row.getId()));
        }
        byte[] wrapped = db.select(CASE_DOCUMENT_KEY.WRAPPED_KEY).from(CASE_DOCUMENT_KEY)
                .where(CASE_DOCUMENT_KEY.DOCUMENT_ID.eq(row.getId())).fetchOne(CASE_DOCUMENT_KEY.WRAPPED_KEY);
        if (wrapped == null) {
            throw new CaseNotFound("this document's key was destroyed: its content can no longer be read");
        }
        return dataKeys.open(row.getContentSealed(), dataKeys.unwrap(wrapped, boundKey(row.getId())),
                bound(row.getId()));
    }

    /** Where a document's wrapped key is bound: as {@code EncryptedColumns} names it, so a rotation re-wraps it. */
    public static String boundKey(UUID document) {
        return "case_document_key.wrapped_key:" + document;
    }

    private static boolean startsWith(byte[] content, byte[] prefix) {
        return content.length >= prefix.length && Arrays.equals(content, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static String bound(UUID document) {
        return "case_document.content:" + document;
    }
}
