package dev.sqsrouter;

import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

/** Boots the application as it ships: its Java parts as Application registers them, the packaged properties. */
public abstract class AppTestSupport extends CamelMainTestSupport {

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        Application.configure(configuration);
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:application.properties";
    }
}
