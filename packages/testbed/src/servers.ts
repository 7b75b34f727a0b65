import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Endpoints, type KeeperConfig, RESOURCES, type ServerName, runFiles } from './layout';

/** How to start one server and how to tell that it answers. */
export interface ServerSpec {
  name: ServerName;
  command: string;
  args: string[];
  /** Resolves true once the server answers as a client would need it. */
  ready(endpoints: Endpoints): Promise<boolean>;
}

/** Classes given to the OpenSearch launcher, each loaded from the classpath. */
const OPENSEARCH_PLUGINS = [
  'org.opensearch.transport.Netty4Plugin',
  'org.opensearch.analysis.common.CommonAnalysisPlugin',
  'org.opensearch.painless.PainlessPlugin',
  'org.opensearch.index.mapper.MapperExtrasPlugin',
  'org.opensearch.index.reindex.ReindexPlugin',
  'org.opensearch.knn.plugin.KNNPlugin',
  'cis.testbed.KuromojiPlugin',
  'cis.testbed.KnnEngineGuardPlugin',
];

/**
 * Test servers live for minutes and serve little: C1 only and the serial collector halve the CPU
 * a start costs on 2 cores (OpenSearch: 16 → 8 CPU-seconds, 22 → 12 s to green, measured here).
 */
const COMMON_JVM = ['-XX:+ExitOnOutOfMemoryError', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true', '-Dfile.encoding=UTF-8'];
const SMALL_JVM = [...COMMON_JVM, '-Xss512k'];

export async function serverSpecs(config: KeeperConfig): Promise<ServerSpec[]> {
  const { artifacts, ports, runDir, java } = config;
  const files = runFiles(runDir);
  const mqConfig = join(runDir, 'elasticmq.conf');
  await writeFile(mqConfig, elasticMqConfig(ports.sqs));
  const heap = `${config.opensearchHeapMb}m`;
  return [
    {
      name: 'opensearch',
      command: java,
      args: [
        `-Xms${heap}`, `-Xmx${heap}`, '-XX:MaxDirectMemorySize=256m', ...COMMON_JVM,
        '-Dlog4j2.disable.jmx=true', `-Djava.io.tmpdir=${files.data}`,
        '-cp', [artifacts.launcherDir, ...artifacts.classpath.opensearch].join(':'),
        'cis.testbed.OpenSearchMain', join(files.data, 'opensearch'), String(ports.opensearchHttp), String(ports.opensearchTransport),
        ...OPENSEARCH_PLUGINS,
      ],
      ready: async (e) => {
        const health = await getJson<{ status?: string }>(`${e.opensearchUrl}/_cluster/health`);
        return health?.status === 'green' || health?.status === 'yellow';
      },
    },
    {
      name: 'elasticmq',
      command: java,
      args: ['-Xmx160m', ...SMALL_JVM, `-Dconfig.file=${mqConfig}`, '-cp', artifacts.classpath.elasticmq.join(':'), 'org.elasticmq.server.Main'],
      ready: async (e) => {
        const text = await getText(`${e.sqsUrl}/?Action=ListQueues`);
        return text !== undefined && text.includes(e.queueUrl) && text.includes(e.dlqUrl);
      },
    },
    {
      name: 's3mock',
      command: java,
      args: [
        '-Xmx256m', ...SMALL_JVM, `-Dloader.path=${artifacts.launcherDir}`, '-cp', artifacts.classpath.s3mock.join(':'),
        // PropertiesLauncher (unlike JarLauncher) takes loader.path: S3MockLoopback comes from there.
        'org.springframework.boot.loader.launch.PropertiesLauncher',
        '--spring.main.sources=cis.testbed.S3MockLoopback',
        '--server.address=127.0.0.1', `--server.port=${ports.s3Tls}`,
        `--com.adobe.testing.s3mock.http-port=${ports.s3}`,
        `--com.adobe.testing.s3mock.store.root=${join(files.data, 's3')}`,
        `--com.adobe.testing.s3mock.store.initial-buckets=${RESOURCES.bucket}`,
        '--com.adobe.testing.s3mock.store.retain-files-on-exit=false',
        '--spring.main.banner-mode=off',
      ],
      ready: async (e) => (await getText(`${e.s3Url}/`))?.includes(`<Name>${e.bucket}</Name>`) ?? false,
    },
  ];
}

/** ElasticMQ's HOCON: the processing queue redrives to its DLQ after 3 receives, as in AWS. */
function elasticMqConfig(port: number): string {
  const r = RESOURCES;
  return `include classpath("application.conf")
node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
aws { region = "${r.region}", accountId = "${r.accountId}" }
queues {
  ${r.dlq} { }
  ${r.queue} {
    defaultVisibilityTimeout = ${r.visibilityTimeoutS} seconds
    deadLettersQueue { name = "${r.dlq}", maxReceiveCount = ${r.maxReceiveCount} }
  }
}
`;
}

async function getText(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined; // not listening yet
  }
}

async function getJson<T>(url: string): Promise<T | undefined> {
  const text = await getText(url);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}
