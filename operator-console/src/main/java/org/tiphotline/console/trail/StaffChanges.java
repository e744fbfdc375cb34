package org.tiphotline.console.trail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.tiphotline.labels.Labels;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The before and after of a change, in words, for staff records only (accounts, availability): the audit log keeps
 * those values because they name no caller or victim. Any other record's changes are never shown, whatever they hold.
 */
final class StaffChanges {

    /** Records whose before-and-after values are staff data, shown; any other record's values never are. */
    private static final Set<String> STAFF_RECORDS = Set.of("app_user", "operator_presence");
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]+");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StaffChanges() {
    }

    static List<String> words(String entity, String changes) {
        return STAFF_RECORDS.contains(entity) && changes != null ? changes(changes) : List.of();
    }

    /** An account's or an availability's change, field by field: "Role: Operator → Supervisor". */
    private static List<String> changes(String json) {
        List<String> words = new ArrayList<>();
        JsonNode changes = JSON.readTree(json);
        for (String field : changes.propertyNames()) {
            JsonNode change = changes.get(field);
            String name = Labels.of("field", field);
            if (change == null || !change.isObject()) {
                words.add(name);
                continue;
            }
            JsonNode before = change.get("before");
            JsonNode after = change.get("after");
            words.add(name + ": " + (before == null ? "" : value(before) + " → ")
                    + (after == null ? "" : value(after)));
        }
        return words;
    }

    private static String value(JsonNode v) {
        if (v == null || v.isNull()) {
            return "none";
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? "yes" : "no";
        }
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(item -> items.add(value(item)));
            return items.isEmpty() ? "none" : String.join(", ", items);
        }
        String text = v.asString();
        return CODE.matcher(text).matches() ? Labels.of(null, text) : text;
    }
}
