package org.tiphotline.routing;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.tiphotline.escalation.AlertChannel;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.EscalationSettings;
import org.tiphotline.escalation.StaffNotice;

/**
 * After-call work past {@code hotline.routing.wrap-up-max}, where the setting keeps the operator in it: the
 * supervisors' alert channels are told (their live page is told by the console). Once per stretch of after-call
 * work: the routing state marks it alerted in the decision that reports it, and only the leading node ticks. The
 * notice names no one (it leaves the hotline by e-mail or SMS); the supervisors' page says who.
 */
@Service
public class WrapUpAlarm implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WrapUpAlarm.class);

    private final EscalationSettings escalation;
    private final Map<Directory.Channel, AlertChannel> channels;
    private final RoutingSettings settings;
    private final Clock clock;
    private final ExecutorService sending = Executors.newVirtualThreadPerTaskExecutor();

    public WrapUpAlarm(EscalationSettings escalation, List<AlertChannel> channels, RoutingSettings settings,
            Clock clock) {
        this.escalation = escalation;
        this.channels = channels.stream().collect(Collectors.toMap(AlertChannel::channel, Function.identity()));
        this.settings = settings;
        this.clock = clock;
    }

    @EventListener
    public void on(Router.WrapUpOverdue overdue) {
        StaffNotice notice = notice(Duration.between(overdue.since(), clock.instant()), settings.wrapUpMax());
        log.info("operator {} is in after-call work past its maximum: supervisors alerted", overdue.operator());
        StaffNotices.send(sending, channels, escalation.supervisorAlerts(), notice, "the after-call work alert");
    }

    static StaffNotice notice(Duration lasted, Duration maximum) {
        return new StaffNotice("After-call work past its maximum", "An operator has been in after-call work for "
                + UrgentCallAlarm.duration(lasted.toSeconds()) + " (the maximum is "
                + UrgentCallAlarm.duration(maximum.toSeconds()) + "). Open the supervisor's page of the hotline.");
    }

    @Override
    public void destroy() {
        sending.close();
    }
}
