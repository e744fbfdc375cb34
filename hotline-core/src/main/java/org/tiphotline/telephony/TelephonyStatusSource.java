package org.tiphotline.telephony;

/**
 * Implemented by every adapter whose link can be up or down (Asterisk's AMI link): the administrator's status
 * page lists the {@link TelephonyStatus} of each bean of this type. Cheap and non-blocking: it returns what the
 * adapter last saw, it does not ask the provider.
 */
public interface TelephonyStatusSource {

    TelephonyStatus telephonyStatus();
}
