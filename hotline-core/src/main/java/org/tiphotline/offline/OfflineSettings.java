package org.tiphotline.offline;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How far back a contact may be recorded ({@code oldest}: a letter found after months is still a report, a date a
 * decade off is a typing slip), and how far ahead of the server's clock a time may be ({@code clockSlack}: the
 * desk's own clock may run a little fast; anything more is a contact that has not happened yet).
 */
@ConfigurationProperties("hotline.offline")
record OfflineSettings(@DefaultValue("366d") Duration oldest, @DefaultValue("2m") Duration clockSlack) {}
