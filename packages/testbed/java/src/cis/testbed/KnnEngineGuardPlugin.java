package cis.testbed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.opensearch.action.admin.indices.template.put.PutComponentTemplateAction;
import org.opensearch.action.admin.indices.template.put.PutComposableIndexTemplateAction;
import org.opensearch.action.admin.indices.template.put.PutIndexTemplateRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.cluster.metadata.Template;
import org.opensearch.common.compress.CompressedXContent;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.tasks.Task;

/**
 * Rejects {@code knn_vector} fields whose engine is not {@code lucene}.
 *
 * <p>The k-NN plugin from Maven Central comes without its native libraries. Its faiss engine (the
 * default when a mapping names no engine) and nmslib accept the mapping, then throw
 * UnsatisfiedLinkError on a write thread when the first segment is built: the write never
 * answers and the node dies on shutdown. Failing the mapping at once, with the reason, turns that
 * hang into a clear 400.
 */
public final class KnnEngineGuardPlugin extends Plugin implements ActionPlugin {

  @Override
  public List<ActionFilter> getActionFilters() {
    return List.of(new Guard());
  }

  private static final class Guard implements ActionFilter {
    @Override
    public int order() {
      return Integer.MIN_VALUE;
    }

    @Override
    public <Q extends ActionRequest, R extends ActionResponse> void apply(
        Task task, String action, Q request, ActionListener<R> listener, ActionFilterChain<Q, R> chain) {
      try {
        for (String mapping : mappingsOf(request)) {
          check(XContentHelper.convertToMap(new BytesArray(mapping), false, XContentType.JSON).v2(), "");
        }
      } catch (IllegalArgumentException e) {
        listener.onFailure(e);
        return;
      }
      chain.proceed(task, action, request, listener);
    }
  }

  private static List<String> mappingsOf(ActionRequest request) {
    List<String> out = new ArrayList<>();
    if (request instanceof CreateIndexRequest) {
      add(out, ((CreateIndexRequest) request).mappings());
    } else if (request instanceof PutMappingRequest) {
      add(out, ((PutMappingRequest) request).source());
    } else if (request instanceof PutIndexTemplateRequest) {
      add(out, ((PutIndexTemplateRequest) request).mappings());
    } else if (request instanceof PutComposableIndexTemplateAction.Request) {
      add(out, ((PutComposableIndexTemplateAction.Request) request).indexTemplate().template());
    } else if (request instanceof PutComponentTemplateAction.Request) {
      add(out, ((PutComponentTemplateAction.Request) request).componentTemplate().template());
    }
    return out;
  }

  private static void add(List<String> out, Template template) {
    if (template != null) {
      CompressedXContent mappings = template.mappings();
      if (mappings != null) {
        add(out, mappings.string());
      }
    }
  }

  private static void add(List<String> out, String mapping) {
    if (mapping != null && !mapping.isEmpty() && !mapping.equals("{}")) {
      out.add(mapping);
    }
  }

  @SuppressWarnings("unchecked")
  private static void check(Map<String, Object> node, String path) {
    if ("knn_vector".equals(node.get("type"))) {
      Object method = node.get("method");
      Object engine = method instanceof Map ? ((Map<String, Object>) method).get("engine") : null;
      if (!"lucene".equals(engine)) {
        throw new IllegalArgumentException("testbed: knn_vector field [" + path + "] must set"
            + " method.engine to \"lucene\" (got " + engine + "): faiss and nmslib need native"
            + " libraries that the k-NN plugin on Maven Central does not include");
      }
    }
    for (Map.Entry<String, Object> entry : node.entrySet()) {
      if (entry.getValue() instanceof Map) {
        String key = entry.getKey();
        String child = key.equals("properties") ? path : path.isEmpty() ? key : path + "." + key;
        check((Map<String, Object>) entry.getValue(), child);
      }
    }
  }
}
