package baogao;

import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch 2.19 node in this JVM, for baogao's engine tests.
 *
 * Arguments are node settings as key=value (path.home, http.port, transport.port,
 * node.name, discovery.type or discovery.seed_hosts …). The node always binds 127.0.0.1.
 * Started in-process rather than from the distribution: only Maven Central is reachable,
 * and the distribution's launcher refuses to run as root. The node stops when the process
 * gets SIGTERM (the shutdown hook closes it, flushing its shards).
 */
public class Main {
    static class TestNode extends Node {
        TestNode(Environment environment) {
            super(environment, Arrays.asList(Netty4Plugin.class, CommonAnalysisPlugin.class), true);
        }
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder()
            .put("network.host", "127.0.0.1")
            .put("cluster.name", "baogao-test")
            // The test machine's disk may be fuller than the default watermarks allow.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("http.type", "netty4")
            .put("transport.type", "netty4");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("baogao-opensearch: expected key=value, got " + arg);
                System.exit(2);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        builder.put("network.host", "127.0.0.1");
        Settings settings = builder.build();
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), null, () -> settings.get("node.name", "node-1"));
        Node node = new TestNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("baogao-opensearch: close failed: " + e);
            }
            stopped.countDown();
        }));
        node.start();
        System.err.println("baogao-opensearch: started " + settings.get("node.name", "node-1"));
        stopped.await();
    }
}
