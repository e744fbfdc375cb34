package org.tiphotline.escalation;

import java.util.List;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.tiphotline.intake.HotlineReport;

/**
 * The rules no operator has to remember: a victim under 18 is always referred to the jurisdiction's child
 * protection agencies, and, when the exploitation is sexual, to the agencies for sexual offences against
 * children too, alongside whatever the operator escalates. Each referral is raised once per report and agency;
 * a registry case from another channel (an online or screening report about a minor) is referred once per case.
 * A caller who answers yes to "is someone in immediate danger?" alerts the configured agencies (the police by
 * default) before anyone answers: the call is also urgent and routed first, and the operator can add the line.
 */
@Component
public class ProtectionRules {

    static final String MINOR = "victim under 18";
    static final String MINOR_SEXUAL = "victim under 18 in sexual exploitation";
    private static final Set<String> SEXUAL = Set.of("SEXUAL_EXPLOITATION", "PORNOGRAPHY",
            "ONLINE_SEXUAL_EXPLOITATION");

    private final Escalations escalations;
    private final Directory directory;
    private final EscalationSettings settings;

    public ProtectionRules(Escalations escalations, Directory directory, EscalationSettings settings) {
        this.escalations = escalations;
        this.directory = directory;
        this.settings = settings;
    }

    @EventListener
    public void on(org.tiphotline.calls.Call.DangerReported danger) {
        for (Directory.Role role : settings.ivrDangerAlerts()) {
            for (Directory.Agency agency : directory.withRole(role)) {
                escalations.raiseByIvr(danger.call(), agency.id());
            }
        }
    }

    @EventListener
    public void on(HotlineReport.ProtectionFactsChanged facts) {
        if (facts.victimAge() == null || facts.victimAge() >= 18) {
            return;
        }
        refer(facts, directory.withRole(Directory.Role.CHILD_PROTECTION), MINOR);
        if (facts.traffickingTypes().stream().anyMatch(SEXUAL::contains)) {
            refer(facts, directory.withRole(Directory.Role.CHILD_SEXUAL_OFFENCES), MINOR_SEXUAL);
        }
    }

    /**
     * The same rule for a registry case: an online or screening report about a minor, or an age a data manager
     * records. A case whose hotline report was already referred to an agency is not referred to it again.
     */
    @EventListener
    public void on(org.tiphotline.registry.Registry.ProtectionFactsChanged facts) {
        if (!facts.minor()) {
            return;
        }
        for (Directory.Agency agency : directory.withRole(Directory.Role.CHILD_PROTECTION)) {
            escalations.raiseByRuleForCase(facts.id(), agency.id(), Escalation.Level.URGENT, MINOR);
        }
        if (facts.exploitationTypes().stream().anyMatch(SEXUAL::contains)) {
            for (Directory.Agency agency : directory.withRole(Directory.Role.CHILD_SEXUAL_OFFENCES)) {
                escalations.raiseByRuleForCase(facts.id(), agency.id(), Escalation.Level.URGENT, MINOR_SEXUAL);
            }
        }
    }

    private void refer(HotlineReport.ProtectionFactsChanged facts, List<Directory.Agency> agencies, String rule) {
        for (Directory.Agency agency : agencies) {
            escalations.raiseByRule(facts.call(), facts.report(), agency.id(), Escalation.Level.URGENT, rule);
        }
    }
}
