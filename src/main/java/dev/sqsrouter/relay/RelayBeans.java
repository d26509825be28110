package dev.sqsrouter.relay;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/** The beans the relay route template names. */
public class RelayBeans implements CamelConfiguration {

    @BindToRegistry("relayContract")
    public RelayContract relayContract() {
        return new RelayContract();
    }
}
