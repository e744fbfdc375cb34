package org.tiphotline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CASE_DOCUMENT;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.screening.Screenings;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;

/** Documents: type by content, size, encrypted at rest, downloads only for who may work on the case, audited. */
@SpringJUnitConfig(CoreTestConfiguration.class)
class DocumentsTest {

    /** A tiny PDF whose text is an obviously fake name, to look for in the stored bytes. */
    private static final byte[] PDF = ("%PDF-1.4\n% fake police report for Testfirst Fakevictim\n%%EOF\n")
            .getBytes(StandardCharsets.US_ASCII);

    @Autowired
    private Documents documents;
    @Autowired
    private Registry registry;
    @Autowired
    private Screenings screenings;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;

    private Actor dataManager;
    private Actor otherDataManager;
    private CaseId caseId;

    @BeforeEach
    void start() {
        dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        otherDataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        Actor reporter = FakeData.actor(FakeData.user(operators, Role.AGENCY_REPORTER));
        caseId = ScreenedCases.newCase(screenings, registry, db, reporter);
        registry.assign(caseId, dataManager.id(), dataManager);
    }

    @Test
    void aDocumentIsStoredEncryptedAndEveryDownloadIsAudited() {
        Documents.Document doc = documents.attach(caseId, Documents.Kind.POLICE_OR_OFFICIAL_REPORT, "application/pdf",
                PDF, dataManager);
        var stored = db.select(CASE_DOCUMENT.CONTENT_ENC, CASE_DOCUMENT.CONTENT_SEALED).from(CASE_DOCUMENT)
                .where(CASE_DOCUMENT.ID.eq(doc.id())).fetchSingle();
        // A new document is sealed under a key of its own (crypto-shredding), not under the ring's key.
        assertThat(stored.value1()).isNull();
        assertThat(new String(stored.value2(), StandardCharsets.ISO_8859_1)).doesNotContain("Fakevictim")
                .doesNotContain("%PDF");
        assertThat(db.fetchExists(org.tiphotline.db.Tables.CASE_DOCUMENT_KEY,
                org.tiphotline.db.Tables.CASE_DOCUMENT_KEY.DOCUMENT_ID.eq(doc.id()))).isTrue();

        assertThat(documents.list(caseId, otherDataManager)).extracting(Documents.Document::kind)
                .containsExactly(Documents.Kind.POLICE_OR_OFFICIAL_REPORT);
        assertThatThrownBy(() -> documents.download(caseId, doc.id(), otherDataManager))
                .isInstanceOf(SecurityException.class);
        Documents.Download download = documents.download(caseId, doc.id(), dataManager);
        assertThat(download.content()).isEqualTo(PDF);
        assertThat(download.fileName()).matches("C-\\d{4}-\\d{6,}-police-or-official-report-[0-9a-f]{8}\\.pdf");
        documents.download(caseId, doc.id(), dataManager);

        assertThat(db.select(AUDIT_LOG.ACTOR).from(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("case_document"))
                .and(AUDIT_LOG.ENTITY_ID.eq(doc.id().toString())).and(AUDIT_LOG.ACTION.eq("EXPORT"))
                .fetch(AUDIT_LOG.ACTOR)).containsExactly(dataManager.username(), dataManager.username());
        assertThat(registry.history(caseId, dataManager)).extracting(Registry.Event::type).contains("DOCUMENT");
        assertThatThrownBy(() -> documents.download(caseId, java.util.UUID.randomUUID(), dataManager))
                .isInstanceOf(CaseNotFound.class);
    }

    @Test
    void onlyPdfPngAndJpegThatAreWhatTheySayAndNotTooBig() {
        int before = db.fetchCount(CASE_DOCUMENT);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0};
        byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> documents.attach(caseId, Documents.Kind.OTHER, "text/html", html, dataManager))
                .isInstanceOf(Documents.UnsupportedDocument.class);
        assertThatThrownBy(() -> documents.attach(caseId, Documents.Kind.OTHER, "application/pdf", html, dataManager))
                .isInstanceOf(Documents.UnsupportedDocument.class).hasMessageContaining("not the application/pdf");
        assertThatThrownBy(() -> documents.attach(caseId, Documents.Kind.OTHER, "application/pdf", png, dataManager))
                .isInstanceOf(Documents.UnsupportedDocument.class);
        byte[] huge = Arrays.copyOf(PDF, documents.maxBytes() + 1);
        assertThatThrownBy(() -> documents.attach(caseId, Documents.Kind.OTHER, "application/pdf", huge, dataManager))
                .hasMessageContaining("at most");
        assertThatThrownBy(() -> documents.attach(caseId, Documents.Kind.OTHER, "image/png", png, otherDataManager))
                .isInstanceOf(SecurityException.class);
        assertThat(db.fetchCount(CASE_DOCUMENT)).isEqualTo(before);
        assertThat(documents.attach(caseId, Documents.Kind.IDENTITY_DOCUMENT, "image/png", png, dataManager)
                .mediaType()).isEqualTo("image/png");
    }
}
