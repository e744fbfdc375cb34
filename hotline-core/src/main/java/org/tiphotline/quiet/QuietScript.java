package org.tiphotline.quiet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.HotlineForm;

/**
 * The yes/no script for a caller who cannot speak freely, derived from the registering form rather than written
 * beside it: every question of the form that a single word or one keypad digit answers (yes/no, or a choice of at
 * most ten options, digits 1-9 then 0), in the form's order, with the danger question first. Text, dates, numbers
 * and long lists (a jurisdiction's fourteen parishes) cannot be answered that way and stay on the full form. The
 * answers are saved into the same fields, by the same saves, as the form's.
 */
@Component
public class QuietScript {

    /** One key each: a question with more options than keys is not a one-digit question. */
    static final String DIGITS = "1234567890";

    /** What the caller says or presses, and what is saved: {@code value} is true/false or the option's code. */
    public record Choice(String digit, Object value) {}

    /**
     * {@code several}: a set of options (each digit adds or removes one), else one answer.
     */
    public record Question(String field, String label, FormField.Kind kind, boolean several, List<Choice> choices) {}

    private final List<Question> questions;

    public QuietScript(HotlineForm form) {
        List<Question> derived = new ArrayList<>();
        for (FormField field : form.fields()) {
            question(field).ifPresent(derived::add);
        }
        // Stable: after the danger question, the form's own order.
        derived.sort(Comparator.comparing(q -> !q.field().equals(HotlineForm.DANGER)));
        this.questions = List.copyOf(derived);
    }

    public List<Question> questions() {
        return questions;
    }

    private static java.util.Optional<Question> question(FormField field) {
        return switch (field.kind()) {
            case BOOLEAN -> java.util.Optional.of(new Question(field.name(), field.label(), field.kind(), false,
                    List.of(new Choice("1", true), new Choice("2", false))));
            case CODE, CODES -> {
                if (field.codes().isEmpty() || field.codes().size() > DIGITS.length()) {
                    yield java.util.Optional.empty();
                }
                List<Choice> choices = new ArrayList<>();
                for (int i = 0; i < field.codes().size(); i++) {
                    choices.add(new Choice(String.valueOf(DIGITS.charAt(i)), field.codes().get(i)));
                }
                yield java.util.Optional.of(new Question(field.name(), field.label(), field.kind(),
                        field.kind() == FormField.Kind.CODES, choices));
            }
            // Free text, dates, numbers, countries and phone numbers need more than a word.
            default -> java.util.Optional.empty();
        };
    }
}
