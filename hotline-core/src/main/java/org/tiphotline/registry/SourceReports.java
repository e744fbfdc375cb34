package org.tiphotline.registry;

import static org.tiphotline.db.Tables.ONLINE_REPORT;
import static org.tiphotline.db.Tables.SCREENING_REPORT;

import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.intake.RegistryReaders;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a channel's report said, for the data managers of the case it belongs to: the report is the evidence the
 * case was opened on. Its fields that name no one go to every data manager; its personal fields only to the case's
 * own data manager and the leader, each read audited. Online and screening reports are read here; a hotline report
 * is read through intake, which asks {@link #of} the same question, so all three follow one rule.
 */
@Service
public class SourceReports implements RegistryReaders {

    private static final TypeReference<TreeMap<String, String>> PERSONAL = new TypeReference<>() {};

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Registry registry;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final JsonMapper json = JsonMapper.builder().build();

    public SourceReports(DSLContext db, TransactionTemplate tx, Registry registry, FieldCipher cipher,
            AuditTrail audit) {
        this.db = db;
        this.tx = tx;
        this.registry = registry;
        this.cipher = cipher;
        this.audit = audit;
    }

    /** The report's fields, by name; {@code personalHidden} when it has personal fields this reader may not see. */
    public record Report(CaseSource.Channel channel, UUID id, Map<String, Object> values, boolean personalHidden) {}

    public Report read(CaseId caseId, UUID report, Actor actor) {
        Registry.requireRegistryUser(actor);
        return tx.execute(status -> {
            Registry.Source source = registry.records.sources(caseId).stream().filter(s -> s.report().equals(report))
                    .findFirst()
                    .orElseThrow(() -> new CaseNotFound("this case has no such report"));
            Table<?> table = switch (source.channel()) {
                case ONLINE -> ONLINE_REPORT;
                case SCREENING -> SCREENING_REPORT;
                case HOTLINE -> throw new IllegalArgumentException("hotline reports are read at /api/reports/{id}");
            };
            Record r = db.selectFrom(table).where(table.field("id", UUID.class).eq(report)).fetchOne();
            Map<String, Object> values = new LinkedHashMap<>();
            for (Field<?> f : r.fields()) {
                Object v = r.get(f);
                if (v == null || f.getName().equals("personal_enc") || f.getName().equals("id")
                        || f.getName().equals("reporter_id") || v instanceof String[] a && a.length == 0) {
                    continue;
                }
                values.put(camel(f.getName()), v instanceof String[] a ? Arrays.asList(a)
                        : v instanceof Temporal || v instanceof Short ? v.toString() : v);
            }
            byte[] enc = r.get("personal_enc", byte[].class);
            boolean hidden = enc != null && !registry.records.mayWork(caseId, actor);
            if (enc != null && !hidden) {
                String bound = table.getName() + ".personal:" + report;
                Map<String, String> personal = json.readValue(cipher.decrypt(enc, bound), PERSONAL);
                audit.record(actor.username(), AuditTrail.Action.READ, table.getName(), report, personal.keySet());
                values.putAll(personal);
            }
            return new Report(source.channel(), report, values, hidden);
        });
    }

    /** What a registry user may read of a hotline report: decided on the case it belongs to, as {@link #read}. */
    @Override
    public Access of(ReportId report, Actor reader) {
        if (!reader.is(Role.DATA_MANAGER, Role.DATA_MANAGEMENT_LEADER)) {
            return Access.NONE;
        }
        return registry.caseOf(new CaseSource.Hotline(report.value()))
                .map(c -> registry.records.mayWork(c.id(), reader) ? Access.WITH_PERSONAL : Access.WITHOUT_PERSONAL)
                .orElse(Access.NONE);
    }

    private static String camel(String column) {
        StringBuilder out = new StringBuilder();
        boolean up = false;
        for (char ch : column.toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return out.toString();
    }
}
