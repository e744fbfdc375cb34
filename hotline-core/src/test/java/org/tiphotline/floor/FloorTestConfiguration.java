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
@ComponentScan(basePackageClasses = Floor.class)
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
