package org.tiphotline.console.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.EscalationSettings;
import org.tiphotline.intake.JurisdictionSettings;

/**
 * The country profiles in ops/jurisdictions bind to the settings the application reads, with the same checks:
 * a typo in an agency, a role or a language fails here rather than at a task force's start-up.
 */
class JurisdictionProfilesTest {

    @ParameterizedTest
    @CsvSource({"jamaica.yml, Jamaica, JM, 14", "saint-lucia.yml, Saint Lucia, LC, 10"})
    void eachProfileBindsToAValidJurisdictionDirectoryAndLanguages(String file, String name, String country,
            int places) throws Exception {
        StandardEnvironment env = new StandardEnvironment();
        Path path = Path.of("..", "ops", "jurisdictions", file);
        new YamlPropertySourceLoader().load(file, new FileSystemResource(path))
                .forEach(env.getPropertySources()::addFirst);
        Binder binder = Binder.get(env);

        JurisdictionSettings jurisdiction = binder.bind("hotline.jurisdiction", JurisdictionSettings.class).get();
        assertThat(jurisdiction.name()).isEqualTo(name);
        assertThat(jurisdiction.country()).isEqualTo(country);
        assertThat(jurisdiction.places()).hasSize(places).doesNotHaveDuplicates();

        Directory directory = binder.bind("hotline.directory", Directory.class).get();
        assertThat(directory.withRole(Directory.Role.POLICE)).isNotEmpty();
        assertThat(directory.withRole(Directory.Role.CHILD_PROTECTION)).isNotEmpty();
        assertThat(directory.withRole(Directory.Role.CHILD_SEXUAL_OFFENCES)).isNotEmpty();
        // Placeholders only: nothing in the repository may point at a real agency's system.
        assertThat(directory.agencies()).flatExtracting(Directory.Agency::alerts).allSatisfy(alert ->
                assertThat(alert.target()).matches(".*\\.invalid(/.*)?|\\+1(876|758)555\\d{4}"));

        CallSettings calls = binder.bind("hotline.calls", CallSettings.class).get();
        assertThat(calls.languages()).isNotEmpty().allMatch(l -> l.matches("[a-z]{2,3}"));
        EscalationSettings escalation = binder.bind("hotline.escalation", EscalationSettings.class).get();
        assertThat(escalation.ivrDangerAlerts()).isEqualTo(List.of(Directory.Role.POLICE));
        assertThat(escalation.acknowledgeWithin()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(escalation.realertEvery()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(escalation.supervisorAlerts()).extracting(Directory.Alert::channel)
                .containsExactly(Directory.Channel.SMS, Directory.Channel.EMAIL);
        assertThat(escalation.supervisorAlerts()).allSatisfy(alert ->
                assertThat(alert.target()).matches(".*\\.invalid|\\+1(876|758)555\\d{4}"));
        assertThat(escalation.callbackLine()).matches("\\+1(876|758)555\\d{4}");
        // The phone menu's "yes, someone is in danger" reaches the police proper, not every police unit.
        assertThat(directory.withRole(Directory.Role.POLICE)).hasSize(1);
    }

    /** A duty desk slower or faster than the hotline's default gets deadlines of its own, from configuration. */
    @org.junit.jupiter.api.Test
    void anAgencyMayHaveDeadlinesOfItsOwn() {
        String prefix = "hotline.directory.agencies[0].";
        Binder binder = new Binder(new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                java.util.Map.of(prefix + "id", "test-labour", prefix + "name", "Test Labour Desk (fake)",
                        prefix + "roles[0]", "LABOUR", prefix + "alerts[0].channel", "EMAIL",
                        prefix + "alerts[0].target", "duty@labour.invalid", prefix + "acknowledge-within", "2m",
                        prefix + "realert-every", "10m")));
        Directory.Agency desk = binder.bind("hotline.directory", Directory.class).get().agencies().getFirst();
        assertThat(desk.acknowledgeWithin()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(desk.acknowledgeUrgentWithin()).as("the hotline's default applies").isNull();
        assertThat(desk.realertEvery()).isEqualTo(java.time.Duration.ofMinutes(10));
    }
}
