package org.tiphotline.console.factors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.web.webauthn.api.AttestationConveyancePreference;
import org.springframework.security.web.webauthn.api.AuthenticatorAttachment;
import org.springframework.security.web.webauthn.api.AuthenticatorSelectionCriteria;
import org.springframework.security.web.webauthn.api.AuthenticatorTransport;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.ImmutableAuthenticationExtensionsClientInput;
import org.springframework.security.web.webauthn.api.ImmutableAuthenticationExtensionsClientInputs;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialDescriptor;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialParameters;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.ResidentKeyRequirement;
import org.springframework.security.web.webauthn.api.UserVerificationRequirement;

/** A passkey registration's options survive Java serialization (the session store's) with every field intact. */
class SessionCreationOptionsTest {

    @Test
    void theOptionsComeBackWhole() throws Exception {
        PublicKeyCredentialCreationOptions options = PublicKeyCredentialCreationOptions.builder()
                .rp(PublicKeyCredentialRpEntity.builder().id("localhost").name("Test Hotline").build())
                .user(ImmutablePublicKeyCredentialUserEntity.builder().name("testsupervisor")
                        .id(Bytes.random()).displayName("Testsuper Fakename").build())
                .challenge(Bytes.random())
                .pubKeyCredParams(PublicKeyCredentialParameters.EdDSA, PublicKeyCredentialParameters.ES256,
                        PublicKeyCredentialParameters.RS256)
                .timeout(Duration.ofMinutes(5))
                .excludeCredentials(List.of(PublicKeyCredentialDescriptor.builder().id(Bytes.random())
                        .transports(Set.of(AuthenticatorTransport.USB)).build()))
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .authenticatorAttachment(AuthenticatorAttachment.PLATFORM)
                        .residentKey(ResidentKeyRequirement.REQUIRED)
                        .userVerification(UserVerificationRequirement.PREFERRED).build())
                .attestation(AttestationConveyancePreference.DIRECT)
                .extensions(new ImmutableAuthenticationExtensionsClientInputs(
                        ImmutableAuthenticationExtensionsClientInput.credProps))
                .build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(SessionCreationOptions.keep(options));
        }
        SessionCreationOptions.Kept read;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            read = (SessionCreationOptions.Kept) in.readObject();
        }
        PublicKeyCredentialCreationOptions back = SessionCreationOptions.restore(read);

        assertThat(back.getRp().getId()).isEqualTo("localhost");
        assertThat(back.getRp().getName()).isEqualTo("Test Hotline");
        assertThat(back.getUser().getId()).isEqualTo(options.getUser().getId());
        assertThat(back.getUser().getName()).isEqualTo("testsupervisor");
        assertThat(back.getUser().getDisplayName()).isEqualTo("Testsuper Fakename");
        assertThat(back.getChallenge()).isEqualTo(options.getChallenge());
        assertThat(back.getPubKeyCredParams()).containsExactlyElementsOf(options.getPubKeyCredParams());
        assertThat(back.getTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(back.getExcludeCredentials()).singleElement().satisfies(excluded -> {
            assertThat(excluded.getId()).isEqualTo(options.getExcludeCredentials().get(0).getId());
            // Serialized as they are (Spring's own serializable types), so compared by value.
            assertThat(excluded.getType().getValue()).isEqualTo("public-key");
            assertThat(excluded.getTransports()).map(AuthenticatorTransport::getValue).containsExactly("usb");
        });
        assertThat(back.getAuthenticatorSelection().getAuthenticatorAttachment())
                .isEqualTo(AuthenticatorAttachment.PLATFORM);
        assertThat(back.getAuthenticatorSelection().getResidentKey()).isEqualTo(ResidentKeyRequirement.REQUIRED);
        assertThat(back.getAuthenticatorSelection().getUserVerification())
                .isEqualTo(UserVerificationRequirement.PREFERRED);
        assertThat(back.getAttestation()).isEqualTo(AttestationConveyancePreference.DIRECT);
        assertThat(back.getExtensions().getInputs()).singleElement().satisfies(input -> {
            assertThat(input.getExtensionId()).isEqualTo("credProps");
            assertThat(input.getInput()).isEqualTo(true);
        });
    }
}
