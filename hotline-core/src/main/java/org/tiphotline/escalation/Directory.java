package org.tiphotline.escalation;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The jurisdiction's agencies: who handles what, the line to conference in, and how to alert them, in the order
 * to try. Configuration, not code: each task force lists its own ({@code hotline.directory.agencies}).
 */
@ConfigurationProperties("hotline.directory")
public record Directory(@DefaultValue({}) List<Agency> agencies) {

    /**
     * What an agency does, for the rules that pick one: a minor → {@code CHILD_PROTECTION} (Jamaica: CPFSA),
     * and a minor in sexual exploitation also → {@code CHILD_SEXUAL_OFFENCES} (Jamaica: CISOCA).
     * {@code INTERPRETING}: an interpreter line an operator conferences into a call (issue 20 F); the console offers
     * an agency with only this role for that, not for escalations.
     */
    public enum Role { POLICE, CHILD_PROTECTION, CHILD_SEXUAL_OFFENCES, VICTIM_SERVICES, IMMIGRATION, LABOUR, INTERPRETING }

    /** How an alert reaches an agency. */
    public enum Channel { WEBHOOK, EMAIL, SMS }

    /** One way to alert an agency: a webhook URL, an e-mail address, or a phone number for SMS. */
    public record Alert(Channel channel, String target) {
        public Alert {
            if (channel == null || target == null || target.isBlank()) {
                throw new IllegalArgumentException("an alert needs a channel and a target");
            }
        }
    }

    /**
     * @param id short stable name, used in records and for liaison users, e.g. {@code jcf-police}
     * @param phone the line conferenced into a call, digits with an optional +; none: alerts only
     * @param alerts tried in order: round 1 uses the first, each unacknowledged round the next, then round again
     * @param acknowledgeWithin this agency's own first deadline for IMMEDIATE escalations (a duty desk that answers
     *     faster or slower than the hotline's default); null: {@code hotline.escalation.acknowledge-within}
     * @param acknowledgeUrgentWithin the same for URGENT ones; null: the hotline's default
     * @param realertEvery the same for the alerts after a missed deadline; null: the hotline's default
     */
    public record Agency(String id, String name, Set<Role> roles, String phone, List<Alert> alerts,
            java.time.Duration acknowledgeWithin, java.time.Duration acknowledgeUrgentWithin,
            java.time.Duration realertEvery) {

        /** An agency on the hotline's default deadlines. */
        public Agency(String id, String name, Set<Role> roles, String phone, List<Alert> alerts) {
            this(id, name, roles, phone, alerts, null, null, null);
        }

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Agency {
            for (java.time.Duration d : new java.time.Duration[] {acknowledgeWithin, acknowledgeUrgentWithin,
                    realertEvery}) {
                if (d != null && (d.isNegative() || d.isZero() || d.toHours() > 24)) {
                    throw new IllegalArgumentException("hotline.directory: agency " + id
                            + " deadlines must be between 1 s and 24 h");
                }
            }
            if (id == null || !id.matches("[a-z0-9-]{2,40}")) {
                throw new IllegalArgumentException("hotline.directory: agency id must be 2-40 of a-z, 0-9, -");
            }
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("hotline.directory: agency " + id + " needs a name");
            }
            if (phone != null && !phone.isBlank() && !phone.matches("\\+?[0-9]{2,20}")) {
                throw new IllegalArgumentException("hotline.directory: agency " + id + " phone must be digits");
            }
            roles = roles == null ? Set.of() : Set.copyOf(roles);
            alerts = alerts == null ? List.of() : List.copyOf(alerts);
            if (alerts.isEmpty()) {
                throw new IllegalArgumentException("hotline.directory: agency " + id + " needs at least one alert");
            }
        }
    }

    public Directory {
        agencies = agencies == null ? List.of() : List.copyOf(agencies);
        Set<String> ids = new HashSet<>();
        for (Agency agency : agencies) {
            if (!ids.add(agency.id())) {
                throw new IllegalArgumentException("hotline.directory: agency id " + agency.id() + " twice");
            }
        }
    }

    public Optional<Agency> agency(String id) {
        return agencies.stream().filter(a -> a.id().equals(id)).findFirst();
    }

    /** The agencies with this role, in the order configured. */
    public List<Agency> withRole(Role role) {
        return agencies.stream().filter(a -> a.roles().contains(role)).toList();
    }
}
