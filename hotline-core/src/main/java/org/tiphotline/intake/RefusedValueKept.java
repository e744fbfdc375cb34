package org.tiphotline.intake;

import java.util.Map;
import java.util.Set;

/** The form refused a value, and what was typed is kept with the draft (shown back with the reason on a reload). */
public class RefusedValueKept extends InvalidField {

    private static final long serialVersionUID = 1L;

    /**
     * Beyond this a refused text is not kept (the pages' own length limits stop a person long before): a report or
     * a case holds what someone typed, not whatever a script sends.
     */
    static final int MOST_KEPT = 20_000;

    /** The kinds of field a person types into: a choice from a list has no words to lose, nor can a page send one. */
    private static final Set<FormField.Kind> TYPED = Set.of(FormField.Kind.TEXT, FormField.Kind.PHONE,
            FormField.Kind.INTEGER);

    public RefusedValueKept(Map<String, String> problems) {
        super(problems);
    }

    /** What to keep of a save of {@code field} that was {@code refused}: the typed text, or null when none is kept. */
    public static String keepable(FormField field, Object raw, InvalidField refused) {
        String typed = raw instanceof String s ? s : raw instanceof Number n ? n.toString() : null;
        boolean kept = refused.problems().containsKey(field.name()) && typed != null && typed.length() <= MOST_KEPT
                && TYPED.contains(field.kind());
        return kept ? typed : null;
    }
}
