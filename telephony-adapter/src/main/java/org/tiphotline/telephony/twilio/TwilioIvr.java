package org.tiphotline.telephony.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.TwiML;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Conference;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Gather;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Number;
import com.twilio.twiml.voice.Pause;
import com.twilio.twiml.voice.Play;
import com.twilio.twiml.voice.Record;
import com.twilio.twiml.voice.Redirect;
import com.twilio.twiml.voice.Say;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.telephony.ivr.IvrMenu;
import org.tiphotline.telephony.ivr.IvrScript;

/**
 * Renders {@link IvrScript}'s menus as TwiML, so a Twilio caller hears the same IVR as an Asterisk caller: each
 * question is a {@code <Gather>} of one DTMF digit whose action (also reached on silence) names the question and
 * the attempt; the webhook interprets the digit with the same {@link IvrMenu#interpret} as the AGI script.
 * Prompts are audio URLs where configured, otherwise the IVR's own texts ({@link IvrScript#text}), spoken with
 * {@code <Say>}; a language without texts is spoken with the English ones.
 */
final class TwilioIvr {

    static final String HOLD = "hold";
    static final String FALLBACK = "fallback";
    static final String VOICEMAIL = "voicemail";
    static final String GOODBYE = "goodbye";
    /** The longest message a caller can leave, in seconds. */
    static final int VOICEMAIL_SECONDS = 180;

    /** The voice language {@code <Say>} uses for each built-in text language. */
    private static final Map<String, Say.Language> VOICES = Map.of("en", Say.Language.EN_US, "es",
            Say.Language.ES_MX, "fr", Say.Language.FR_FR);

    private final IvrScript script;
    private final TwilioSettings settings;

    TwilioIvr(IvrScript script, TwilioSettings settings) {
        this.script = script;
        this.settings = settings;
    }

    List<IvrMenu> menus() {
        return script.menus();
    }

    IvrMenu menu(IvrQuestion question) {
        return script.menus().stream().filter(m -> m.question() == question).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no IVR menu for " + question));
    }

    /** The menu after this one for this caller (the callback question is skipped for a withheld number). */
    IvrMenu next(IvrMenu menu, String callerNumber) {
        return script.next(menu, callerNumber);
    }

    /** The questions asked of this caller. */
    List<IvrMenu> menusFor(String callerNumber) {
        return script.menusFor(callerNumber);
    }

    boolean noticeBefore(IvrMenu menu) {
        return script.noticeBefore(menu);
    }

    String quietDigit() {
        return script.quietDigit();
    }

    String firstLanguage() {
        return script.menus().getFirst().fallback();
    }

    /** Asks a question: on a repeat after silence or a wrong digit, the "invalid" prompt first. */
    VoiceResponse ask(IvrMenu menu, int attempt, String language, boolean welcome) {
        return ask(menu, attempt, language, welcome, false, attempt > 1, attempt == 1 && script.noticeBefore(menu));
    }

    /** Asks again after silence or a wrong digit: the "invalid" prompt first. */
    VoiceResponse askAgain(IvrMenu menu, int attempt, String language, boolean quietHeard) {
        return ask(menu, attempt, language, false, quietHeard, true, false);
    }

    /** Asks again, on the same attempt, after the "cannot speak freely" digit: no "invalid", it was no mistake. */
    VoiceResponse askAfterQuiet(IvrMenu menu, int attempt, String language) {
        return ask(menu, attempt, language, false, true, false, false);
    }

    /** Asks the question the "cannot speak freely" notice was cut short before. */
    VoiceResponse askAfterNotice(IvrMenu menu, String language) {
        return ask(menu, 1, language, false, false, false, false);
    }

    /**
     * Asks a question. {@code quietHeard}: the caller pressed the "cannot speak freely" digit at this question
     * already (the URL says so, as Twilio signs it), so a second press is a wrong digit. {@code sorry}: the
     * "invalid" prompt first. {@code notice}: the "cannot speak freely" notice plays first, in a {@code <Gather>}
     * of its own that only calls back when a digit is pressed during it (else Twilio goes on to the question after
     * a second): a digit pressed before the caller has heard the question is taken as the quiet digit or dropped,
     * never as an answer, as on Asterisk.
     */
    private VoiceResponse ask(IvrMenu menu, int attempt, String language, boolean welcome, boolean quietHeard,
            boolean sorry, boolean notice) {
        String action = "/twilio/ivr?q=" + menu.question().name() + "&attempt=" + attempt + "&lang="
                + encode(language) + (quietHeard ? "&quiet=1" : "");
        Gather.Builder gather = new Gather.Builder().inputs(Gather.Input.DTMF).numDigits(1)
                .timeout(Math.max(1, (int) Math.ceil(script.settings().digitTimeout().toMillis() / 1000.0)))
                .actionOnEmptyResult(true).action(action).method(HttpMethod.POST);
        for (TwiML prompt : prompts(menu, language, welcome)) {
            if (prompt instanceof Say say) {
                gather.say(say);
            } else if (prompt instanceof Play play) {
                gather.play(play);
            }
        }
        VoiceResponse.Builder response = new VoiceResponse.Builder();
        if (sorry) {
            add(response, prompt(language, IvrScript.INVALID));
        }
        if (notice) {
            Gather.Builder first = new Gather.Builder().inputs(Gather.Input.DTMF).numDigits(1).timeout(1)
                    .action("/twilio/ivr?q=" + menu.question().name() + "&attempt=1&lang=" + encode(language)
                            + "&notice=1").method(HttpMethod.POST);
            TwiML words = prompt(language, IvrScript.CANNOT_SPEAK_FREELY);
            if (words instanceof Say say) {
                first.say(say);
            } else if (words instanceof Play play) {
                first.play(play);
            }
            response.gather(first.build());
        }
        // Reached only if Twilio ever skips the action on silence: the same action, without digits.
        return response.gather(gather.build())
                .redirect(new Redirect.Builder(action).method(HttpMethod.POST).build()).build();
    }

    /** The confidentiality notice, then the caller is queued. */
    VoiceResponse confidentiality(String language) {
        VoiceResponse.Builder response = new VoiceResponse.Builder();
        add(response, prompt(language, IvrScript.CONFIDENTIALITY));
        // The language rides in the URL (signed by Twilio like the rest), as through the IVR's own steps: the
        // queued webhook answers in it without reading the call back.
        return response.redirect(new Redirect.Builder("/twilio/queued?lang=" + encode(language))
                .method(HttpMethod.POST).build()).build();
    }

    /** One round of waiting: the hold message on the first, then music (or silence), then round again. */
    VoiceResponse hold(String language, int round) {
        VoiceResponse.Builder response = new VoiceResponse.Builder();
        if (round % 4 == 0) {
            add(response, prompt(language, HOLD));
        }
        if (settings.holdMusicUrl() != null && !settings.holdMusicUrl().isBlank()) {
            response.play(new Play.Builder(settings.holdMusicUrl()).build());
        } else {
            response.pause(new Pause.Builder().length(15).build());
        }
        return response.redirect(new Redirect.Builder("/twilio/wait?round=" + (round + 1))
                .method(HttpMethod.POST).build()).build();
    }

    /**
     * When the hotline cannot take the caller (nobody signed in, waited too long, or our voice URL failed): the
     * human fallback line if there is one, else a message.
     */
    VoiceResponse fallback(String language) {
        if (!settings.hasFallbackNumber()) {
            return voicemail(language);
        }
        VoiceResponse.Builder response = new VoiceResponse.Builder();
        add(response, prompt(language, FALLBACK));
        return response.dial(new Dial.Builder().timeout(30).action("/twilio/fallback-done?lang=" + encode(language))
                .method(HttpMethod.POST).number(new Number.Builder(settings.fallbackNumber()).build()).build())
                .build();
    }

    /** A message after the tone; the recording's webhook opens a callback task. */
    VoiceResponse voicemail(String language) {
        VoiceResponse.Builder response = new VoiceResponse.Builder();
        add(response, prompt(language, VOICEMAIL));
        response.record(new Record.Builder().maxLength(VOICEMAIL_SECONDS).timeout(10).playBeep(true)
                .trim(Record.Trim.TRIM_SILENCE).action("/twilio/voicemail?lang=" + encode(language))
                .method(HttpMethod.POST).build());
        // Reached when the caller records nothing.
        add(response, prompt(language, GOODBYE));
        return response.build();
    }

    VoiceResponse goodbye(String language) {
        VoiceResponse.Builder response = new VoiceResponse.Builder();
        add(response, prompt(language, GOODBYE));
        return response.hangup(new Hangup.Builder().build()).build();
    }

    private List<TwiML> prompts(IvrMenu menu, String language, boolean welcome) {
        List<TwiML> prompts = new ArrayList<>();
        if (menu.question() == IvrQuestion.LANGUAGE) {
            if (welcome) {
                prompts.add(prompt(language, IvrScript.WELCOME));
            }
            // Each option in its own language, as on Asterisk.
            menu.options().values().forEach(option -> prompts.add(prompt(option,
                    IvrScript.languageOptionPrompt(option))));
        } else {
            prompts.add(prompt(language, menu.prompt()));
        }
        return prompts;
    }

    /** A prompt: the configured audio, or the built-in text spoken in the nearest language we have. */
    TwiML prompt(String language, String name) {
        String url = settings.promptUrl(language, name);
        if (url != null) {
            return new Play.Builder(url).build();
        }
        String spoken = script.text(language, name) != null ? language : "en";
        String text = script.text(spoken, name);
        if (text == null) {
            // The option prompt of a language with neither built-in texts nor audio: configure audio for it
            // (ops/twilio.md); until then the caller at least hears which language the option is.
            text = name.replace('-', ' ');
        }
        return new Say.Builder(text).language(VOICES.get(spoken)).build();
    }

    private static void add(VoiceResponse.Builder response, TwiML prompt) {
        if (prompt instanceof Say say) {
            response.say(say);
        } else if (prompt instanceof Play play) {
            response.play(play);
        }
    }

    /**
     * The call's escalation conference. The caller's leaving ends it for everyone; the conference's joins and
     * leaves tell the line when the caller would be left alone.
     */
    VoiceResponse conference(String callerSid, boolean caller) {
        Conference room = new Conference.Builder(TwilioLine.CONFERENCE_PREFIX + callerSid)
                .beep(Conference.Beep.FALSE).startConferenceOnEnter(true).endConferenceOnExit(caller)
                .statusCallback(settings.publicBaseUrl() + "/twilio/conference-status?call=" + callerSid)
                .statusCallbackMethod(HttpMethod.POST)
                .statusCallbackEvents(java.util.List.of(Conference.Event.JOIN, Conference.Event.LEAVE)).build();
        return new VoiceResponse.Builder().dial(new Dial.Builder().conference(room).build()).build();
    }


    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
