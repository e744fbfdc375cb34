package org.tiphotline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.RefusedValueKept;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.screening.Screenings;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;

/**
 * Issue 17 in the registry, on the real test database: text the standard format refuses is kept with the case
 * (encrypted, never one of its values) until an accepted save of the field clears it, and is read back only by those
 * who may see that field, a personal field's read audited.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class RefusedTextTest {

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
    private Actor leader;
    private CaseId caseId;

    @BeforeEach
    void start() {
        dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        otherDataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
        Actor reporter = FakeData.actor(FakeData.user(operators, Role.AGENCY_REPORTER));
        caseId = ScreenedCases.newCase(screenings, registry, db, reporter);
        registry.assign(caseId, dataManager.id(), leader);
    }

    @Test
    void refusedTextIsKeptEncryptedUntilAnAcceptedSaveOfItsFieldClearsIt() {
        assertThatThrownBy(() -> registry.saveField(caseId, dataManager, "remarks", "Testvictim Fakename <b>night"))
                .isInstanceOf(RefusedValueKept.class);
        assertThatThrownBy(() -> registry.saveField(caseId, dataManager, "age", "-5"))
                .isInstanceOf(RefusedValueKept.class);

        Registry.RegistryCase c = registry.view(caseId, dataManager);
        assertThat(c.refused()).containsOnlyKeys("remarks", "age");
        assertThat(c.refused().get("remarks").value()).isEqualTo("Testvictim Fakename <b>night");
        assertThat(c.refused().get("remarks").reason()).contains("plain text");
        assertThat(c.refused().get("age")).isEqualTo(new Registry.Refused("-5", "must be 0 or more"));
        assertThat(c.values()).as("refused text is never a value of the case").doesNotContainKey("remarks")
                .doesNotContainEntry("age", -5);
        byte[] stored = db.select(REGISTRY_CASE.REFUSED_ENC).from(REGISTRY_CASE)
                .where(REGISTRY_CASE.ID.eq(caseId.value())).fetchOne(REGISTRY_CASE.REFUSED_ENC);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("Fakename").doesNotContain("-5");

        registry.saveField(caseId, dataManager, "remarks", "Testvictim Fakename left at night");
        Registry.RegistryCase after = registry.view(caseId, dataManager);
        assertThat(after.refused()).as("the accepted save cleared its field only").containsOnlyKeys("age");
        assertThat(after.values()).containsEntry("remarks", "Testvictim Fakename left at night");
        // The same value as stored is still an accepted save: the refusal goes, though nothing changed.
        registry.saveField(caseId, dataManager, "age", 30);
        registry.saveField(caseId, dataManager, "age", 30);
        assertThatThrownBy(() -> registry.saveField(caseId, dataManager, "age", "430"))
                .isInstanceOf(RefusedValueKept.class);
        registry.saveField(caseId, dataManager, "age", 30);
        assertThat(registry.view(caseId, dataManager).refused()).isEmpty();
        assertThat(db.select(REGISTRY_CASE.REFUSED_ENC).from(REGISTRY_CASE)
                .where(REGISTRY_CASE.ID.eq(caseId.value())).fetchOne(REGISTRY_CASE.REFUSED_ENC)).isNull();
    }

    @Test
    void aPersonalFieldsRefusedTextGoesOnlyToWhoMaySeeItsValueAndThatReadIsAudited() {
        assertThatThrownBy(() -> registry.saveField(caseId, dataManager, "remarks", "Testvictim <i>Fakename"))
                .isInstanceOf(RefusedValueKept.class);
        assertThatThrownBy(() -> registry.saveField(caseId, dataManager, "age", "-5"))
                .isInstanceOf(RefusedValueKept.class);

        // Another data manager sees the statistical field's refused text, as its value, and not the personal one.
        assertThat(registry.view(caseId, otherDataManager).refused()).containsOnlyKeys("age");
        assertThat(registry.view(caseId, leader).refused()).containsOnlyKeys("remarks", "age");
        assertThat(registry.view(caseId, dataManager).refused()).containsOnlyKeys("remarks", "age");
        assertThat(audited("READ", "remarks")).containsExactlyInAnyOrder(leader.username(), dataManager.username());
        assertThat(audited("CHANGE", "remarks")).as("keeping a personal field's text is a change of personal data")
                .containsExactly(dataManager.username());
        assertThat(audited("READ", "age")).as("not personal: no read to audit").isEmpty();
    }

    /** Who the audit log says did {@code action} on {@code field} of this test's case. */
    private List<String> audited(String action, String field) {
        return db.select(AUDIT_LOG.ACTOR).from(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("registry_case"))
                .and(AUDIT_LOG.ENTITY_ID.eq(caseId.toString())).and(AUDIT_LOG.ACTION.eq(action))
                .and(AUDIT_LOG.FIELDS.contains(new String[] {field})).fetch(AUDIT_LOG.ACTOR);
    }

    @Test
    void whoMayNotChangeTheCaseKeepsNothingThereAndAChoiceFromAListIsNotKept() {
        assertThatThrownBy(() -> registry.saveField(caseId, otherDataManager, "remarks", "Testvictim <b>Fakename"))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> registry.saveField(caseId, dataManager, "sex", "NOT_A_SEX"))
                .isInstanceOf(InvalidField.class).isNotInstanceOf(RefusedValueKept.class);
        assertThatThrownBy(() -> registry.saveField(caseId, dataManager, "exploitationTypes", List.of("NOT_USED",
                "NO_SUCH"))).isNotInstanceOf(RefusedValueKept.class);
        assertThat(registry.view(caseId, leader).refused()).isEmpty();
    }
}
