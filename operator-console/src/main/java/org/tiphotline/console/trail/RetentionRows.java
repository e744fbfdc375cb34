package org.tiphotline.console.trail;

import java.util.Map;
import org.tiphotline.retention.RetentionBatches;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A retention batch's audit row in words, from the facts it holds (kind, rule, how many, status): the row names no
 * record, so neither does the trail.
 */
final class RetentionRows {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> FACTS = new TypeReference<>() {};

    private RetentionRows() {
    }

    static String words(String changes) {
        String words = changes == null ? null : RetentionBatches.auditWords(JSON.readValue(changes, FACTS));
        return words != null ? words : "A retention batch";
    }
}
