package org.tiphotline.console.fuzz;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.HotlineForm;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.online.OnlineForm;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.registry.CaseForm;
import org.tiphotline.screening.ScreeningForm;
import tools.jackson.core.type.TypeReference;

/**
 * What the database may hold after any input, beyond what its check constraints refuse by themselves: every
 * stored answer is one its form accepts as it is (places of the jurisdiction, real country codes, numbers in
 * range, clean text within its length); personal data decrypts where it is bound and names only personal fields;
 * whoever stored personal data is in the audit trail; every report sent to the registry is there exactly once,
 * and no case exists without a report behind it unless it was merged into another.
 */
public final class StoredRecords {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final DSLContext db;
    private final FieldCipher cipher;
    private final Map<String, Collection<FormField>> forms;

    public StoredRecords(RunningHotline hotline) {
        this.db = hotline.bean(DSLContext.class);
        this.cipher = hotline.bean(FieldCipher.class);
        this.forms = Map.of("hotline_report", hotline.bean(HotlineForm.class).fields(),
                "registry_case", hotline.bean(CaseForm.class).fields(),
                "online_report", hotline.bean(OnlineForm.class).fields(),
                "screening_report", hotline.bean(ScreeningForm.class).fields());
    }

    /** Every rule broken, one line each (never the personal values themselves); empty when all hold. */
    public List<String> violations() {
        List<String> broken = new ArrayList<>();
        LocalDate today = LocalDate.now().plusDays(1);
        forms.forEach((table, fields) -> {
            for (Record row : db.fetch("select * from hotline." + table)) {
                Object id = row.get("id");
                for (FormField field : fields) {
                    if (field.personal() || row.field(snake(field.name())) == null) {
                        continue;
                    }
                    check(broken, table + " " + id + " " + field.name(), field, canonical(row.get(snake(
                            field.name()))), today);
                }
                if (table.equals("registry_case")) {
                    Map<String, Object> details = FuzzHttp.JSON.readValue(row.get("details").toString(), OBJECT);
                    details.forEach((name, value) -> {
                        FormField field = fields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
                        if (field == null || field.personal()) {
                            broken.add(table + " " + id + " details holds '" + name + "', not a typed field");
                        } else {
                            check(broken, table + " " + id + " details." + name, field, value, today);
                        }
                    });
                }
                byte[] enc = (byte[]) row.get("personal_enc");
                if (enc != null) {
                    personal(broken, table, id, enc, fields, today);
                }
            }
        });
        links(broken);
        return broken;
    }

    private void personal(List<String> broken, String table, Object id, byte[] enc, Collection<FormField> fields,
            LocalDate today) {
        Map<String, Object> values;
        try {
            values = FuzzHttp.JSON.readValue(cipher.decrypt(enc, table + ".personal:" + id), OBJECT);
        } catch (RuntimeException e) {
            broken.add(table + " " + id + " personal data does not decrypt where it is bound: " + e.getClass());
            return;
        }
        values.forEach((name, value) -> {
            FormField field = fields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
            if (field == null || !field.personal()) {
                broken.add(table + " " + id + " personal data holds '" + name + "', not a personal field");
            } else if (!(value instanceof String)) {
                broken.add(table + " " + id + " personal " + name + " is not text");
            } else {
                check(broken, table + " " + id + " personal " + name, field, value, today);
            }
        });
        // A case copies what its report said; the report's own row carries the audit of who stored it.
        boolean audited = table.equals("registry_case") || db.fetchExists(db.selectOne().from("hotline.audit_log")
                .where("entity = ? and entity_id = ? and action in ('CREATE', 'CHANGE')", table, String.valueOf(id)));
        if (!audited) {
            broken.add(table + " " + id + " holds personal data nobody is audited for storing");
        }
    }

    private void links(List<String> broken) {
        for (String[] rule : new String[][] {
                {"online report not in the registry exactly once", "select o.id from hotline.online_report o where "
                        + "(select count(*) from hotline.case_source s where s.online_report_id = o.id) <> 1"},
                {"screening report not in the registry exactly once", "select r.id from hotline.screening_report r where "
                        + "(select count(*) from hotline.case_source s where s.screening_report_id = r.id) <> 1"},
                {"submitted hotline report not in the registry exactly once", "select h.id from hotline.hotline_report h "
                        + "where h.status = 'SUBMITTED' and (select count(*) from hotline.case_source s "
                        + "where s.hotline_report_id = h.id) <> 1"},
                {"draft hotline report already in the registry", "select h.id from hotline.hotline_report h where h.status "
                        + "= 'DRAFT' and exists (select 1 from hotline.case_source s where s.hotline_report_id = h.id)"},
                // A merged case has handed its reports to the case it was merged into.
                {"case without any report", "select c.id from hotline.registry_case c where c.merged_into is null "
                        + "and not exists (select 1 from hotline.case_source s where s.case_id = c.id)"}}) {
            db.fetch(rule[1]).forEach(r -> broken.add(rule[0] + ": " + r.get(0)));
        }
    }

    private static void check(List<String> broken, String where, FormField field, Object stored, LocalDate today) {
        if (stored == null || stored instanceof List<?> l && l.isEmpty()) {
            return;
        }
        try {
            Object again = field.normalise(stored, today);
            if (!Objects.equals(String.valueOf(again), String.valueOf(stored))) {
                broken.add(where + " is not in the form's own shape");
            }
        } catch (InvalidField e) {
            broken.add(where + " would be refused by its form: " + e.problems().values());
        }
    }

    /** A column's value as a client would send it, so the field's own check can judge it. */
    private static Object canonical(Object v) {
        return switch (v) {
            case null -> null;
            case LocalDate d -> d.toString();
            case java.sql.Date d -> d.toLocalDate().toString();
            case Short s -> s.intValue();
            case Object[] a -> Arrays.asList(a);
            default -> v;
        };
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }
}
