package org.tiphotline.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.SCREENING_REPORT;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.registry.CaseSource;
import org.tiphotline.registry.CaseStatus;
import org.tiphotline.registry.Registry;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;

/** A public agent's screening form: a receipt for them, a potential case for the registry, nothing half-stored. */
@SpringJUnitConfig(CoreTestConfiguration.class)
class ScreeningsTest {

    @Autowired
    private Screenings screenings;
    @Autowired
    private Registry registry;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private MutableClock clock;

    private Actor reporter;
    private Actor leader;

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START);
        reporter = FakeData.actor(FakeData.user(operators, Role.AGENCY_REPORTER));
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
    }

    private static Map<String, Object> form() {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("situation", "POTENTIAL");
        form.put("place", CoreTestConfiguration.PLACES.get(0));
        form.put("locationDetail", "the fake test farm on Testroad");
        form.put("victimSex", "MALE");
        form.put("victimAge", 15);
        form.put("traffickingTypes", List.of("CHILD_LABOUR"));
        form.put("reportedTo", "NO_REPORT");
        form.put("reporterName", "Testnurse Fakename");
        form.put("reporterAgency", "Test School Health Unit (fake)");
        return form;
    }

    @Test
    void aScreeningFormGivesTheAgentAReceiptAndTheRegistryAPotentialCase() {
        Screenings.Receipt receipt = screenings.submit(form(), reporter);
        assertThat(receipt.reference()).matches("S-[" + org.tiphotline.protection.ReferenceCodes.ALPHABET + "]{4}-["
                + org.tiphotline.protection.ReferenceCodes.ALPHABET + "]{4}");

        var row = db.selectFrom(SCREENING_REPORT).where(SCREENING_REPORT.REFERENCE.eq(receipt.reference())).fetchOne();
        assertThat(row.getVictimAge()).isEqualTo((short) 15);
        assertThat(new String(row.getPersonalEnc(), StandardCharsets.ISO_8859_1)).doesNotContain("Testnurse")
                .doesNotContain("Testroad");
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("screening_report")
                .and(AUDIT_LOG.ENTITY_ID.eq(row.getId().toString())).and(AUDIT_LOG.ACTION.eq("CREATE")))).isOne();

        Registry.Created c = registry.caseOf(new CaseSource.Screening(row.getId())).orElseThrow();
        Registry.RegistryCase potential = registry.view(c.id(), leader);
        assertThat(potential.status()).isEqualTo(CaseStatus.POTENTIAL);
        assertThat(potential.values()).containsEntry("sex", "MALE").containsEntry("age", 15)
                .containsEntry("exploitationTypes", List.of("CHILD_LABOUR"));
        assertThat(screenings.receipts(reporter)).extracting(Screenings.Receipt::reference)
                .containsExactly(receipt.reference());
    }

    @Test
    void aFormWithProblemsIsRefusedWithAllOfThemAndNothingIsStored() {
        int before = db.fetchCount(SCREENING_REPORT);
        Map<String, Object> bad = form();
        bad.remove("situation");
        bad.put("victimAge", 400);
        bad.put("reportedTo", "OTHER_AGENCY");
        bad.put("shoeSize", 9);
        InvalidField refused = (InvalidField) org.assertj.core.api.Assertions.catchThrowable(
                () -> screenings.submit(bad, reporter));
        assertThat(refused.problems()).containsOnlyKeys("situation", "victimAge", "reportedToAgency", "shoeSize");
        assertThat(db.fetchCount(SCREENING_REPORT)).isEqualTo(before);

        Actor operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        assertThatThrownBy(() -> screenings.submit(form(), operator)).isInstanceOf(SecurityException.class);
        assertThat(db.fetchCount(SCREENING_REPORT)).isEqualTo(before);
    }
}
