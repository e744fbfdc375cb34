package org.tiphotline.console.factors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.security.web.webauthn.api.AttestationConveyancePreference;
import org.springframework.security.web.webauthn.api.AuthenticationExtensionsClientInput;
import org.springframework.security.web.webauthn.api.AuthenticatorAttachment;
import org.springframework.security.web.webauthn.api.AuthenticatorSelectionCriteria;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.ImmutableAuthenticationExtensionsClientInput;
import org.springframework.security.web.webauthn.api.ImmutableAuthenticationExtensionsClientInputs;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialDescriptor;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialParameters;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.ResidentKeyRequirement;
import org.springframework.security.web.webauthn.api.UserVerificationRequirement;
import org.springframework.security.web.webauthn.registration.PublicKeyCredentialCreationOptionsRepository;

/**
 * Keeps a passkey registration's options (its challenge above all) in the HTTP session, as Spring's own repository
 * does, but as a serializable copy: the session lives in PostgreSQL (Spring Session JDBC), so its attributes are
 * serialized, and Spring Security 7.0's {@link PublicKeyCredentialCreationOptions} is not serializable (its request
 * options are). The registration may then finish on the other node. Only boolean client extensions are kept
 * (Spring asks for {@code credProps} and nothing else).
 */
final class SessionCreationOptions implements PublicKeyCredentialCreationOptionsRepository {

    static final String ATTRIBUTE = SessionCreationOptions.class.getName() + ".options";

    /** What the registration's verification needs again, in plain serializable values. */
    record Kept(String rpId, String rpName, PublicKeyCredentialUserEntity user, Bytes challenge, List<Long> algorithms,
            Duration timeout, List<PublicKeyCredentialDescriptor> excludeCredentials, String attachment,
            String residentKey, String userVerification, String attestation, List<String> booleanExtensions,
            List<Boolean> booleanInputs) implements Serializable {}

    @Override
    public void save(HttpServletRequest request, HttpServletResponse response,
            PublicKeyCredentialCreationOptions options) {
        HttpSession session = request.getSession();
        if (options == null) {
            session.removeAttribute(ATTRIBUTE);
        } else {
            session.setAttribute(ATTRIBUTE, keep(options));
        }
    }

    @Override
    public PublicKeyCredentialCreationOptions load(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(ATTRIBUTE) instanceof Kept kept ? restore(kept) : null;
    }

    static Kept keep(PublicKeyCredentialCreationOptions options) {
        AuthenticatorSelectionCriteria selection = options.getAuthenticatorSelection();
        List<String> extensions = new ArrayList<>();
        List<Boolean> inputs = new ArrayList<>();
        if (options.getExtensions() != null) {
            for (AuthenticationExtensionsClientInput<?> input : options.getExtensions().getInputs()) {
                if (input.getInput() instanceof Boolean on) {
                    extensions.add(input.getExtensionId());
                    inputs.add(on);
                }
            }
        }
        return new Kept(options.getRp().getId(), options.getRp().getName(),
                ImmutablePublicKeyCredentialUserEntity.builder().name(options.getUser().getName())
                        .id(options.getUser().getId()).displayName(options.getUser().getDisplayName()).build(),
                options.getChallenge(),
                options.getPubKeyCredParams().stream().map(p -> p.getAlg().getValue()).toList(),
                options.getTimeout(),
                options.getExcludeCredentials() == null ? null : List.copyOf(options.getExcludeCredentials()),
                selection == null || selection.getAuthenticatorAttachment() == null ? null
                        : selection.getAuthenticatorAttachment().getValue(),
                selection == null || selection.getResidentKey() == null ? null
                        : selection.getResidentKey().getValue(),
                selection == null || selection.getUserVerification() == null ? null
                        : selection.getUserVerification().getValue(),
                options.getAttestation() == null ? null : options.getAttestation().getValue(),
                List.copyOf(extensions), List.copyOf(inputs));
    }

    static PublicKeyCredentialCreationOptions restore(Kept kept) {
        List<AuthenticationExtensionsClientInput<?>> extensions = new ArrayList<>();
        for (int i = 0; i < kept.booleanExtensions().size(); i++) {
            extensions.add(new ImmutableAuthenticationExtensionsClientInput<>(kept.booleanExtensions().get(i),
                    kept.booleanInputs().get(i)));
        }
        var selection = AuthenticatorSelectionCriteria.builder();
        if (kept.attachment() != null) {
            selection.authenticatorAttachment(AuthenticatorAttachment.valueOf(kept.attachment()));
        }
        if (kept.residentKey() != null) {
            selection.residentKey(ResidentKeyRequirement.valueOf(kept.residentKey()));
        }
        if (kept.userVerification() != null) {
            selection.userVerification(Stream.of(UserVerificationRequirement.DISCOURAGED,
                    UserVerificationRequirement.PREFERRED, UserVerificationRequirement.REQUIRED)
                    .filter(u -> u.getValue().equals(kept.userVerification())).findFirst().orElseThrow());
        }
        return PublicKeyCredentialCreationOptions.builder()
                .rp(PublicKeyCredentialRpEntity.builder().id(kept.rpId()).name(kept.rpName()).build())
                .user(kept.user())
                .challenge(kept.challenge())
                .pubKeyCredParams(kept.algorithms().stream().map(SessionCreationOptions::parameters).toList())
                .timeout(kept.timeout())
                .excludeCredentials(kept.excludeCredentials())
                .authenticatorSelection(selection.build())
                .attestation(kept.attestation() == null ? null
                        : AttestationConveyancePreference.valueOf(kept.attestation()))
                .extensions(new ImmutableAuthenticationExtensionsClientInputs(
                        extensions.toArray(AuthenticationExtensionsClientInput[]::new)))
                .build();
    }

    private static PublicKeyCredentialParameters parameters(long algorithm) {
        return Stream.of(PublicKeyCredentialParameters.EdDSA, PublicKeyCredentialParameters.ES256,
                        PublicKeyCredentialParameters.ES384, PublicKeyCredentialParameters.ES512,
                        PublicKeyCredentialParameters.RS256, PublicKeyCredentialParameters.RS384,
                        PublicKeyCredentialParameters.RS512, PublicKeyCredentialParameters.RS1)
                .filter(p -> p.getAlg().getValue() == algorithm).findFirst()
                .orElseThrow(() -> new IllegalStateException("a passkey algorithm Spring does not know: " + algorithm));
    }
}
