package org.tiphotline.quiet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.HotlineForm;
import org.tiphotline.intake.JurisdictionSettings;

/** The yes/no script is the registering form's one-word questions, danger first, each answer one key. */
class QuietScriptTest {

    private final HotlineForm form = new HotlineForm(new JurisdictionSettings("Testland", "JM",
            List.of("Test Parish North", "Test Parish South")), Clock.systemUTC());
    private final QuietScript script = new QuietScript(form);

    @Test
    void theDangerQuestionComesFirstAndTheRestKeepTheFormsOrder() {
        List<String> fields = script.questions().stream().map(QuietScript.Question::field).toList();
        assertThat(fields.getFirst()).isEqualTo(HotlineForm.DANGER);
        List<String> formOrder = form.fields().stream().map(FormField::name).filter(fields::contains)
                .filter(name -> !name.equals(HotlineForm.DANGER)).toList();
        assertThat(fields.subList(1, fields.size())).containsExactlyElementsOf(formOrder);
    }

    @Test
    void everyQuestionThatOneWordOrOneDigitAnswersIsAskedAndNoOther() {
        for (FormField field : form.fields()) {
            boolean oneKey = field.kind() == FormField.Kind.BOOLEAN
                    || ((field.kind() == FormField.Kind.CODE || field.kind() == FormField.Kind.CODES)
                            && field.codes().size() <= 10);
            assertThat(script.questions()).as(field.name()).extracting(QuietScript.Question::field)
                    .matches(names -> names.contains(field.name()) == oneKey);
        }
        // Of this form: the yes/no answers, the sexes, the situation, the kinds of trafficking; not the texts.
        assertThat(script.questions()).extracting(QuietScript.Question::field).contains("situation", "victimSex",
                "traffickingTypes", "reportedTo", "anonymous", "contactConsent", "place")
                .doesNotContain("victimDetails", "victimAge", "periodFrom", "victimCountryOfBirth", "contactPhone");
    }

    @Test
    void eachAnswerIsOneDistinctKeyAndSavesWhatTheFieldAccepts() {
        for (QuietScript.Question q : script.questions()) {
            FormField field = form.field(q.field());
            assertThat(q.label()).isEqualTo(field.label());
            assertThat(q.choices()).extracting(QuietScript.Choice::digit).doesNotHaveDuplicates()
                    .allMatch(d -> d.matches("[0-9]"));
            for (QuietScript.Choice c : q.choices()) {
                Object raw = q.several() ? List.of(c.value()) : c.value();
                assertThat(form.normalise(field, raw)).as(q.field() + " " + c.digit()).isEqualTo(raw);
            }
        }
        QuietScript.Question danger = script.questions().getFirst();
        assertThat(danger.choices()).containsExactly(new QuietScript.Choice("1", true),
                new QuietScript.Choice("2", false));
        QuietScript.Question types = script.questions().stream().filter(q -> q.field().equals("traffickingTypes"))
                .findFirst().orElseThrow();
        assertThat(types.several()).isTrue();
        assertThat(types.choices()).hasSize(10).last().isEqualTo(new QuietScript.Choice("0", "OTHER"));
    }

    @Test
    void aListLongerThanTheKeypadIsLeftToTheFullForm() {
        List<String> fourteen = List.of("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "A11", "A12",
                "A13", "A14");
        QuietScript jamaica = new QuietScript(new HotlineForm(new JurisdictionSettings("Testland", "JM", fourteen),
                Clock.systemUTC()));
        assertThat(jamaica.questions()).extracting(QuietScript.Question::field).doesNotContain("place")
                .contains(HotlineForm.DANGER);
    }
}
