package org.tiphotline.floor;

import java.time.Clock;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.tiphotline.routing.StateLog;
import org.tiphotline.testing.CoreTestConfiguration;

/** The core's test services with the floor's, on the real test database. */
@Configuration(proxyBeanMethods = false)
@Import(CoreTestConfiguration.class)
// The floor's alerts ask the urgent-call alarm, which needs the routing brain that CoreTestConfiguration leaves out.
@ComponentScan(basePackageClasses = Floor.class, excludeFilters = @ComponentScan.Filter(
        type = org.springframework.context.annotation.FilterType.ASSIGNABLE_TYPE, classes = FloorAlerts.class))
class FloorTestConfiguration {

    @Bean
    FloorSettings floorSettings() {
        return FloorSettings.defaults();
    }

    /** The state log the reports read (routing's other beans are left out, as the core tests leave the Router). */
    @Bean
    StateLog stateLog(DSLContext db, Clock clock) {
        return new StateLog(db, clock);
    }
}
