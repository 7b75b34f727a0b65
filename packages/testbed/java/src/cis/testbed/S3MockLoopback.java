package cis.testbed;

import java.util.Collection;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Binds S3Mock's plain-HTTP connector to 127.0.0.1.
 *
 * <p>S3Mock adds that connector with a port only, so Tomcat listens on every interface, and
 * {@code server.address} reaches the main (TLS) connector alone. Loaded into S3Mock through
 * {@code --spring.main.sources}; Tomcat types are reached by reflection so that compiling needs
 * spring-beans only.
 */
public final class S3MockLoopback implements BeanPostProcessor {
  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (!bean.getClass().getName().endsWith("TomcatServletWebServerFactory")) {
      return bean;
    }
    try {
      Collection<?> connectors = (Collection<?>) bean.getClass().getMethod("getAdditionalTomcatConnectors").invoke(bean);
      for (Object connector : connectors) {
        connector.getClass().getMethod("setProperty", String.class, String.class).invoke(connector, "address", "127.0.0.1");
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("testbed: cannot bind S3Mock's HTTP connector to 127.0.0.1", e);
    }
    return bean;
  }
}
