package cis.testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * Runs one OpenSearch node inside this JVM with plugins taken from the classpath, so the testbed
 * needs Maven Central jars only (no distribution tarball).
 *
 * <p>Usage: {@code OpenSearchMain <home> <httpPort> <transportPort> <pluginClass>...}. A plugin
 * class that cannot be loaded is reported and skipped, so a missing optional plugin (k-NN) leaves
 * a working node whose {@code _cat/plugins} tells tests what they have.
 */
public final class OpenSearchMain {
  private OpenSearchMain() {}

  /** Node's plugin-taking constructor is protected: it exists for embedding like this. */
  private static final class ClasspathNode extends Node {
    ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
      super(environment, plugins, true);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: OpenSearchMain <home> <httpPort> <transportPort> <pluginClass>...");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    Path config = home.resolve("config");
    Files.createDirectories(config);

    Settings settings = Settings.builder()
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("cluster.name", "cis-testbed")
        .put("node.name", "testbed")
        .put("network.host", "127.0.0.1")
        .put("http.port", args[1])
        .put("transport.port", args[2])
        .put("discovery.type", "single-node")
        // Tests run on shared CI disks: a nearly full disk must not turn indices read-only.
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("node.processors", Math.min(2, Runtime.getRuntime().availableProcessors()))
        .build();

    LogConfigurator.registerErrorListener();
    LogConfigurator.configureWithoutConfig(settings);
    LogConfigurator.setNodeName("testbed");

    List<Class<? extends Plugin>> plugins = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      try {
        plugins.add(Class.forName(args[i]).asSubclass(Plugin.class));
      } catch (ClassNotFoundException | NoClassDefFoundError e) {
        System.err.println("testbed: plugin " + args[i] + " not loaded: " + e);
      }
    }

    Environment environment =
        InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> "testbed");
    Node node = new ClasspathNode(environment, plugins);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
      stopped.countDown();
    }, "testbed-shutdown"));
    node.start();
    System.out.println("testbed: opensearch started on 127.0.0.1:" + args[1]);
    stopped.await();
  }
}
