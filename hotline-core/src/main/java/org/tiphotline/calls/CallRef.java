package org.tiphotline.calls;

/** A call as its provider names it: {@code sim}/{@code asterisk}/{@code twilio} and the provider's own call id. */
public record CallRef(String provider, String providerCallId) {

    public CallRef {
        if (provider == null || !provider.matches("[a-z]{2,20}")) {
            throw new IllegalArgumentException("provider must be 2-20 lower-case letters");
        }
        if (providerCallId == null || providerCallId.isBlank() || providerCallId.length() > 128
                || providerCallId.chars().anyMatch(Character::isISOControl)) {
            // Control characters too: PostgreSQL refuses NUL in text, so such an id failed only at the insert.
            throw new IllegalArgumentException("provider call id must be 1-128 printable characters");
        }
    }
}
